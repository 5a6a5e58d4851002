from . import moh_dossier_action_wizard
from . import moh_dossier_intake
