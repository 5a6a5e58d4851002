from . import signing
from . import exchange
from . import api
