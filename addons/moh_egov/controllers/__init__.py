from . import portal
from . import transparency
from . import api
from . import national_signin
