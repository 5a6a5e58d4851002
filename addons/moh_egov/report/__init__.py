from . import slips
