from . import test_roles
from . import test_translations
from . import test_dossier_flow
from . import test_deadlines
from . import test_dossier_access
from . import test_portal
from . import test_kpi
