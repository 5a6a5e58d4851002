from . import moh_dossier_action_wizard
from . import moh_dossier_register_print_wizard
from . import moh_dossier_intake
from . import moh_dvcqg_late_refund
