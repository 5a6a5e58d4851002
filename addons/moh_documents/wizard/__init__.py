from . import moh_incoming_step_wizard
from . import moh_register_print_wizard
from . import moh_outgoing_sign_wizard
from . import moh_edxml_import_wizard
from . import comment_wizard
from . import moh_signing_key_token_wizard
from . import moh_signing_batch_resume
from . import moh_task_step_wizard
