"""``odoo-bin moh_demo_volume -d DB``: fill a database with a year of plausible history (incoming
documents, public service dossiers, tasks) for the benchmarks and for trying the dashboards on a
ministry's volume. The database must have moh_documents (and moh_egov for dossiers) installed.

Example: ``odoo-bin --addons-path=... moh_demo_volume -d moh --documents 30000 --dossiers 3000``
(``scripts/demo_volume.sh`` wraps it). The history ends yesterday and starts a year before; the
same ``--seed`` gives the same history. It is written in one transaction, as the system.
"""

import argparse
import datetime as dt
import logging
import sys
import time

import odoo
from odoo.cli.command import Command
from odoo.tools import config

_logger = logging.getLogger(__name__)


class MohDemoVolume(Command):
    """Fill a database with a year of plausible history (documents, dossiers, tasks)."""

    name = "moh_demo_volume"

    def run(self, args):
        parser = argparse.ArgumentParser(prog=self.prog, description=self.__doc__, allow_abbrev=False)
        parser.add_argument("--documents", type=int, default=30000, help="incoming documents (default 30000)")
        parser.add_argument("--dossiers", type=int, default=3000, help="public service dossiers (default 3000)")
        parser.add_argument("--tasks", type=int, default=3000, help="tasks, when a tasks module is installed")
        parser.add_argument("--days", type=int, default=365, help="length of the history in days (default 365)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        own, odoo_args = parser.parse_known_args(args)
        config.parse_config(odoo_args, setup_logging=True)
        db_names = config["db_name"]
        if not db_names or len(db_names) != 1:
            sys.exit("moh_demo_volume needs one database: -d DB")
        registry = odoo.modules.registry.Registry(db_names[0])
        began = time.monotonic()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "moh.demo.history" not in env:
                sys.exit("moh_documents is not installed in this database.")
            writer = env["moh.demo.history"]
            tz = writer._moh_tz()
            end = dt.datetime.now(tz).date() - dt.timedelta(days=1)
            start = end - dt.timedelta(days=max(own.days, 1) - 1)
            counts = writer._moh_generate(
                start, end, documents=own.documents, dossiers=own.dossiers, tasks=own.tasks, seed=own.seed
            )
        elapsed = time.monotonic() - began
        _logger.info("moh_demo_volume: %s from %s to %s in %.0f s", counts, start, end, elapsed)
        print(f"moh_demo_volume: {counts} from {start} to {end} in {elapsed:.0f} s")  # noqa: T201
