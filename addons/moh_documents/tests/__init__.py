from . import test_roles
from . import test_working_calendar
from . import test_incoming_routing
from . import test_outgoing_review
from . import test_outgoing_signing
from . import test_own_token_signing
from . import test_signature_validation
from . import test_translations
