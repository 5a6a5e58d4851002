"""The docker deployment's Odoo configuration runs workers with memory and time limits, and the
websocket's gevent port is published; the local configuration is for development only."""

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def options(name):
    parser = configparser.RawConfigParser(inline_comment_prefixes=(";",))
    parser.read(ROOT / "config" / name, encoding="utf-8")
    return dict(parser.items("options"))


def test_the_docker_configuration_runs_workers_with_memory_limits():
    conf = options("odoo.docker.conf")
    assert int(conf["workers"]) >= 2
    soft, hard = int(conf["limit_memory_soft"]), int(conf["limit_memory_hard"])
    assert 512 * 2**20 <= soft < hard, (soft, hard)
    assert int(conf["limit_request"]) > 0
    # Signing and validating a large PDF fits in the limits; nothing runs forever.
    assert 60 <= int(conf["limit_time_cpu"]) <= int(conf["limit_time_real"]) <= 1800
    assert int(conf["max_cron_threads"]) >= 1


def test_the_websocket_port_is_published():
    conf = options("odoo.docker.conf")
    port = conf["gevent_port"]
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert re.search(rf'^\s*- "{port}:{port}"\s*$', compose, re.MULTILINE), (
        "docker-compose.yml publishes the gevent port"
    )


def test_no_configuration_carries_a_usable_master_password():
    # The scripts start Odoo with a copy whose admin_passwd is given or generated.
    for name in ("odoo.docker.conf", "odoo.local.conf"):
        assert options(name)["admin_passwd"].startswith("replaced-at-start"), name


def test_the_local_configuration_is_for_development():
    conf = options("odoo.local.conf")
    assert conf["http_interface"] == "127.0.0.1"
    assert int(conf["workers"]) == 0
