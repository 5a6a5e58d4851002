from . import portal
from . import dvcqg_inbound
from . import transparency
from . import api
from . import payment_dvcqg
from . import dvcqg
from . import national_signin
