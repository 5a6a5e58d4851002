"""The one-stop shop of Decree 118/2025/NĐ-CP: the dossier clock, slips and forms, uploads, paper intake.

The names below are the package's public surface; the modules behind them may move.
"""

from moh_core.onestop.clock import (
    ClockEvent,
    ClockEventKind,
    DossierClock,
)
from moh_core.onestop.codes import (
    format_dossier_code,
)
from moh_core.onestop.completeness import (
    ProvidedFile,
    Requirement,
    completeness,
)
from moh_core.onestop.deadlines import (
    classify_completion,
    step_due,
)
from moh_core.onestop.intake import (
    handover_due,
)
from moh_core.onestop.problems import (
    OneStopError,
    OneStopProblem,
)
from moh_core.onestop.slips import (
    render_blank_form,
)
from moh_core.onestop.uploads import (
    DEFAULT_MAX_INFLATED_BYTES,
    UploadCheck,
    UploadProblem,
    UploadRefused,
    check_upload,
)

__all__ = [
    "ClockEvent",
    "ClockEventKind",
    "DEFAULT_MAX_INFLATED_BYTES",
    "DossierClock",
    "OneStopError",
    "OneStopProblem",
    "ProvidedFile",
    "Requirement",
    "UploadCheck",
    "UploadProblem",
    "UploadRefused",
    "check_upload",
    "classify_completion",
    "completeness",
    "format_dossier_code",
    "handover_due",
    "render_blank_form",
    "step_due",
]
