from . import hr_department
from . import moh_compensatory_workday
from . import res_company
from . import resource_calendar
from . import res_users
