from . import portal
from . import dvcqg_inbound
from . import transparency
from . import api
