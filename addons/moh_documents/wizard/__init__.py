from . import moh_incoming_step_wizard
