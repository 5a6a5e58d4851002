from . import signing
from . import exchange
from . import api
from . import verification
