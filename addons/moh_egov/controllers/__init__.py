from . import portal
from . import transparency
