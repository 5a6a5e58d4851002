"""Plain-Python core of the Ministry of Health e-office and online public services.

Nothing here imports Odoo: the addons call these modules through thin model methods, and the
modules are unit-tested on their own.
"""

__version__ = "19.0.1.0.0"
