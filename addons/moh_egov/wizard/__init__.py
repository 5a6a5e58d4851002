from . import moh_dossier_action_wizard
