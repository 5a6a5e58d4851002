"""One local national public service portal (DVCQG) for tests and the demo: the four doubles of
its links started together, each on its own port, with the settings the ministry's side needs.

* :attr:`LocalNationalPortal.sync`, the adapter (:class:`moh_core.testing.dvcqg.LocalDvcqg`):
  login, ``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``, ``TraCuuHoSo``, the catalogue;
* :attr:`LocalNationalPortal.idp`, the sign-in (:class:`moh_core.testing.dvcqg_idp.DvcqgIdp`):
  the OpenID Connect endpoints;
* :attr:`LocalNationalPortal.payment`, the payment platform
  (:class:`moh_core.testing.dvcqg_payment.DvcqgPaymentPlatform`): INIT/QUERY, the payer's page
  and the signed callback;
* :attr:`LocalNationalPortal.inbound`, the dossiers filed on the portal
  (:class:`moh_core.testing.dvcqg_inbound_peer.InboundPeer`), for an agency that pulls them.

A dossier filed on the portal (:meth:`LocalNationalPortal.file_dossier`, in the push format of
:mod:`moh_core.onestop.dvcqg_inbound`) is kept as the portal's copy (``TraCuuHoSo`` finds it, so
the agency's sync updates it rather than inserting it) and offered to the pull;
:meth:`LocalNationalPortal.push_dossier` files it and pushes it to the ministry with the peer's
token. The flows meet: a dossier pushed to the ministry comes back through the sync.

Run as a process (the demo), printing the settings to enter in the product:
``python -m moh_core.testing.dvcqg_portal --odoo-url http://localhost:8069``; ``--settings-json
PATH`` also writes them as JSON (what ``scripts/demo_dvcqg.sh`` applies to the demo database),
``--catalogue PATH`` adds procedures to the adapter's catalogue. Not for production.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from moh_core.dvcqg.wire import format_date
from moh_core.testing.dvcqg import CATALOGUE, FILED, LocalDvcqg
from moh_core.testing.dvcqg_idp import CLAIM_SETS, DvcqgIdp
from moh_core.testing.dvcqg_inbound_peer import InboundPeer
from moh_core.testing.dvcqg_payment import DvcqgPaymentPlatform

__all__ = [
    "PUSH_PATH",
    "LocalNationalPortal",
    "describe",
    "loopback_aliases",
    "main",
    "with_procedures",
    "write_settings",
]

#: Where the ministry receives the dossiers the portal pushes.
PUSH_PATH = "/moh/dvcqg/dossiers"

#: Set by nothing: ``main`` serves until interrupted.
_forever = threading.Event()

#: What the portal keeps of a filed dossier besides its files (their contents are not kept).
_FILE_KEYS = ("TenTepDinhKem", "MaThanhPhanHoSo", "DuongDanTaiTepTin")


class LocalNationalPortal:
    """``with LocalNationalPortal() as portal:`` serves the four doubles until the block ends."""

    def __init__(
        self,
        *,
        sync_port: int = 0,
        idp_port: int = 0,
        payment_port: int = 0,
        inbound_port: int = 0,
        journal: str | os.PathLike[str] | None = None,
        username: str = "moh",
        password: str = "secret",
        dstcode: str = "G15",
        madonvi: str = "G15",
        client_id: str = "moh-portal",
        client_secret: str = "moh-portal-secret",
        redirect_uris: Sequence[str] = (),
        post_logout_redirect_uris: Sequence[str] = (),
        partner_code: str = "MOH",
        payment_secret: str = "secret",
        payment_token: str | None = None,
        pull_token: str | None = None,
        catalogue: list[dict[str, Any]] | None = None,
    ):
        self.sync = LocalDvcqg(
            sync_port,
            username=username,
            password=password,
            dstcode=dstcode,
            madonvi=madonvi,
            journal=journal,
            catalogue=catalogue,
        )
        self.idp = DvcqgIdp(
            idp_port,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=post_logout_redirect_uris,
        )
        self.payment = DvcqgPaymentPlatform(
            payment_port, partner_code=partner_code, secret=payment_secret, token=payment_token
        )
        self.inbound = InboundPeer(token=pull_token, port=inbound_port)
        #: Every push: ``{"url", "code", "status", "answer"}``.
        self.pushes: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> LocalNationalPortal:
        for server in (self.sync, self.idp, self.payment, self.inbound):
            server.start()
        return self

    def stop(self) -> None:
        for server in (self.sync, self.idp, self.payment, self.inbound):
            server.stop()

    def __enter__(self) -> LocalNationalPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- settings --------------------------------------------------------------------------------

    def settings(self) -> dict[str, dict[str, str]]:
        """What the ministry's side enters, by screen: the national portal peer (adapter and
        inbound pull), the national identity provider, the payment provider."""
        sync, idp, payment = self.sync, self.idp, self.payment
        return {
            "peer": {
                "Endpoint URL": sync.url,
                "Login Path": sync.auth_path,
                "Integration Path": sync.integration_path,
                "Sharing Path": sync.share_path,
                "dstcode": sync.dstcode,
                "Unit Code (madonvi)": sync.madonvi,
                "Username": sync.username,
                "Password": sync.password,
                "Pull URL (moh_egov.dvcqg_inbound_pull_url)": f"{self.inbound.url}/dossiers",
                "Outgoing Token (pull)": self.inbound.token or "",
            },
            "oauth": {
                "Client ID": idp.client.client_id,
                "Client Secret": idp.client.client_secret,
                "Authorization URL": idp.endpoint("authorize"),
                "Token URL": idp.endpoint("token"),
                "UserInfo URL": idp.endpoint("userinfo"),
                "JWKS URL": idp.endpoint("jwks"),
                "Issuer": idp.issuer,
                "End Session URL": idp.endpoint("logout"),
            },
            "payment": {
                "Partner Code": payment.settings.partner_code,
                "Shared Secret": payment.settings.secret,
                "Platform URL": payment.url,
                "Bearer Token": payment.token or "",
            },
        }

    # -- dossiers filed on the portal ------------------------------------------------------------

    def file_dossier(self, dossier: Mapping[str, Any]) -> dict[str, Any]:
        """A dossier filed on the portal (push format): kept as the portal's copy (status 1,
        channel 2, its files without their contents; a copy already kept, maybe updated by the
        agency's sync since, stays as it is) and offered to the pull. Returns the portal's copy."""
        copy: dict[str, Any] = {key: value for key, value in dossier.items() if key != "TaiLieuNop"}
        copy.setdefault("TrangThaiHoSo", "1")
        copy.setdefault("KenhThucHien", "2")
        copy["TaiLieuNop"] = [
            {key: item[key] for key in _FILE_KEYS if key in item}
            for item in dossier.get("TaiLieuNop") or []
            if isinstance(item, Mapping)
        ]
        known = self.sync.state.dossiers.get(copy["MaHoSo"])
        if known is None:
            self.sync.state.record("/", FILED, copy, {"error_code": "0", "message": "Thành công"})
        with self.inbound.lock:
            self.inbound.dossiers = [d for d in self.inbound.dossiers if d.get("MaHoSo") != copy["MaHoSo"]]
            self.inbound.dossiers.append(dict(dossier))
        return copy if known is None else known

    def push_dossier(
        self, ministry_url: str, token: str, dossier: Mapping[str, Any], *, timeout: float = 60
    ) -> dict[str, Any]:
        """File ``dossier`` and push it to the ministry (``ministry_url`` is its address, or
        the full push URL) with ``Authorization: Bearer <token>``. Returns the ministry's answer
        (``{"error_code": 0 | 1 | -1, "message": ...}``), or ``{"error_code": None, "status":
        <HTTP status or None>, "message": ...}`` when there is none."""
        self.file_dossier(dossier)
        url = ministry_url if ministry_url.rstrip("/").endswith(PUSH_PATH) else ministry_url.rstrip("/") + PUSH_PATH
        request = urllib.request.Request(
            url,
            data=json.dumps(dossier, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        status: int | None
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError as error:
            status, raw = None, str(error).encode()
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict) or status != 200:
            answer = {"error_code": None, "status": status, "message": raw.decode("utf-8", "replace")[:500]}
        with self._lock:
            self.pushes.append({"url": url, "code": dossier.get("MaHoSo"), "status": status, "answer": answer})
        return answer


def describe(settings: Mapping[str, Mapping[str, str]], odoo_url: str = "") -> str:
    """The settings as text to read when configuring the product."""
    titles = {
        "peer": "Document Exchange > Peers, the national portal peer (Protocol = DVCQG)",
        "oauth": "Settings > Users & Companies > OAuth Providers > National Public Service Portal",
        "payment": "Payment Providers > National Public Service Portal (state Test)",
    }
    lines = []
    for section, values in settings.items():
        lines.append(titles.get(section, section))
        lines.extend(f"  {name}: {value}" for name, value in values.items())
    if odoo_url:
        base = odoo_url.rstrip("/")
        lines.append("The portal reaches the product at")
        lines.append(f"  push of filed dossiers: {base}{PUSH_PATH}")
        lines.append(f"  sign-in redirect: {base}/auth_oauth/signin, after logout: {base}/")
        lines.append(f"  payment callback: {base}/payment/dvcqg/notify, return: {base}/payment/dvcqg/return")
    return "\n".join(lines)


def loopback_aliases(url: str) -> list[str]:
    """``url`` (without a final slash), then the same with the other name of the loopback when
    its host is ``localhost`` or ``127.0.0.1``: the browser returns to the host it was given."""
    parts = urllib.parse.urlsplit(url.rstrip("/"))
    urls = [parts.geturl()]
    other = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
    if other:
        netloc = other + (f":{parts.port}" if parts.port else "")
        urls.append(parts._replace(netloc=netloc).geturl())
    return urls


def with_procedures(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The adapter's fixture catalogue with ``rows`` (``LayDanhSachTTHC``'s format, ``MATTHC``
    required) added: a row replaces the fixture's of the same code."""
    given = [dict(row) for row in rows]
    codes = {row["MATTHC"] for row in given}
    return given + [dict(row) for row in CATALOGUE if row["MATTHC"] not in codes]


def _read_catalogue(path: str) -> list[dict[str, Any]]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(rows, list) or not all(isinstance(row, dict) and row.get("MATTHC") for row in rows):
        raise SystemExit(f"{path}: a JSON list of procedures, each with its MATTHC, is expected")
    return with_procedures(rows)


def write_settings(settings: Mapping[str, Mapping[str, str]], path: str | os.PathLike[str]) -> None:
    """``settings`` as JSON at ``path``, readable by its owner only (it holds the secrets)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(settings, handle, ensure_ascii=False, indent=2)
    os.replace(temporary, target)


def _stamp() -> str:
    """Now, as the portal writes a filing time (Vietnam's time)."""
    return format_date(dt.datetime.now(dt.UTC))


def main(argv: list[str] | None = None, *, serve: bool = True, out: TextIO | None = None) -> LocalNationalPortal:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--odoo-url", default="http://localhost:8069", help="the product's address")
    parser.add_argument("--sync-port", type=int, default=8996)
    parser.add_argument("--idp-port", type=int, default=8997)
    parser.add_argument("--payment-port", type=int, default=8998)
    parser.add_argument("--inbound-port", type=int, default=8999)
    parser.add_argument("--journal", help="the adapter's journal (JSON lines), kept across restarts")
    parser.add_argument("--sign-in-as", default="citizen", choices=sorted(CLAIM_SETS))
    parser.add_argument("--payment-secret", default="secret")
    parser.add_argument("--push", metavar="DOSSIER_JSON", help="push this filed dossier once started")
    parser.add_argument("--push-token", default="", help="the national portal peer's inbound token")
    parser.add_argument(
        "--catalogue", metavar="JSON", help="procedures (LayDanhSachTTHC's rows) added to the adapter's catalogue"
    )
    parser.add_argument(
        "--settings-json", metavar="PATH", help="also write the settings as JSON there (readable by the owner only)"
    )
    parser.add_argument("--once", action="store_true", help="stop once started (and the push done)")
    args = parser.parse_args(argv)
    base = args.odoo_url.rstrip("/")
    portal = LocalNationalPortal(
        sync_port=args.sync_port,
        idp_port=args.idp_port,
        payment_port=args.payment_port,
        inbound_port=args.inbound_port,
        journal=args.journal,
        redirect_uris=[f"{root}/auth_oauth/signin" for root in loopback_aliases(base)],
        post_logout_redirect_uris=[f"{root}/" for root in loopback_aliases(base)],
        payment_secret=args.payment_secret,
        catalogue=_read_catalogue(args.catalogue) if args.catalogue else None,
    ).start()
    portal.idp.sign_in_as(args.sign_in_as)
    if args.settings_json:
        write_settings(portal.settings(), args.settings_json)
    out.write(describe(portal.settings(), base) + "\n")
    out.flush()
    if args.push:
        dossier = json.loads(Path(args.push).read_text(encoding="utf-8"))
        dossier.setdefault("NgayNopHoSo", _stamp())
        answer = portal.push_dossier(base, args.push_token, dossier)
        out.write(f"push {dossier.get('MaHoSo')}: {json.dumps(answer, ensure_ascii=False)}\n")
        out.flush()
    if args.once:
        portal.stop()
    elif serve:
        try:
            _forever.wait()
        except KeyboardInterrupt:
            pass
        finally:
            portal.stop()
    return portal


if __name__ == "__main__":
    main()
