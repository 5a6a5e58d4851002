from . import portal
from . import transparency
from . import api
from . import payment_dvcqg
from . import dvcqg
from . import national_signin
