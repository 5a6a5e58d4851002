from . import controllers
from . import models
from . import wizard
from .models.moh_search import pre_init_hook
