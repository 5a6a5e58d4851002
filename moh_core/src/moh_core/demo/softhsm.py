"""A SoftHSM2 token holding a demo key, a stand-in for the agency's HSM (demo data and tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from moh_core.demo.pki import IssuedCertificate

__all__ = ["SOFTHSM_LIBRARY_CANDIDATES", "SoftHsmToken", "find_softhsm", "make_softhsm_token"]

#: Where Debian's ``softhsm2`` package installs the PKCS#11 module.
SOFTHSM_LIBRARY_CANDIDATES: tuple[str, ...] = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsmToken:
    """A SoftHSM2 token made by :func:`make_softhsm_token` (a stand-in for an agency HSM)."""

    conf_path: Path
    token_dir: Path
    lib_path: str
    token_label: str
    pin: str
    so_pin: str
    key_label: str
    cert_label: str


def find_softhsm() -> tuple[str, str] | None:
    """``(softhsm2-util path, PKCS#11 module path)``, or None when SoftHSM2 is not installed."""
    util = shutil.which("softhsm2-util")
    lib_path = next((c for c in SOFTHSM_LIBRARY_CANDIDATES if Path(c).is_file()), None)
    if util is None or lib_path is None:
        return None
    return util, lib_path


def make_softhsm_token(
    directory: str | PathLike[str],
    entity: IssuedCertificate,
    *,
    chain: Sequence[IssuedCertificate] = (),
    token_label: str = "moh-seal",
    pin: str = "1234",
    so_pin: str = "5678",
    key_label: str = "seal",
    cert_label: str = "seal",
    key_id: bytes = b"\x01",
) -> SoftHsmToken:
    """Create a SoftHSM2 token in its own token directory holding ``entity``'s key and certificate.

    Writes ``softhsm2.conf`` into ``directory``, points the environment variable
    ``SOFTHSM2_CONF`` at it (SoftHSM reads it when the PKCS#11 module is initialised, so this
    changes process state: one token directory per process at a time), initialises the token with
    ``softhsm2-util --init-token --free`` and imports the RSA private key (non-extractable) and the
    certificates (``entity`` then ``chain``) with python-pkcs11.

    :raises RuntimeError: SoftHSM2 is not installed (see :func:`find_softhsm`).
    """
    # python-pkcs11 is needed only for a token (the `signing` extra's PKCS#11 path).
    import pkcs11  # noqa: PLC0415
    from pkcs11 import Attribute  # noqa: PLC0415
    from pkcs11.util.rsa import decode_rsa_private_key  # noqa: PLC0415
    from pkcs11.util.x509 import decode_x509_certificate  # noqa: PLC0415

    found = find_softhsm()
    if found is None:
        raise RuntimeError("SoftHSM2 is not installed (Debian package softhsm2)")
    util, lib_path = found
    directory = Path(directory)
    token_dir = directory / "tokens"
    token_dir.mkdir(parents=True, exist_ok=True)
    conf_path = directory / "softhsm2.conf"
    conf_path.write_text(f"directories.tokendir = {token_dir}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf_path)
    subprocess.run(
        [util, "--init-token", "--free", "--label", token_label, "--pin", pin, "--so-pin", so_pin],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf_path)},
    )
    library = pkcs11.lib(lib_path)
    library.reinitialize()  # re-read SOFTHSM2_CONF and the token directory
    token = library.get_token(token_label=token_label)
    key_der = entity.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    with token.open(rw=True, user_pin=pin) as session:
        key_attributes = decode_rsa_private_key(key_der)
        key_attributes.update(
            {
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.LABEL: key_label,
                Attribute.ID: key_id,
            }
        )
        session.create_object(key_attributes)
        for index, issued in enumerate((entity, *chain)):
            cert_attributes = decode_x509_certificate(issued.der)
            cert_attributes.update(
                {
                    Attribute.TOKEN: True,
                    Attribute.LABEL: cert_label if index == 0 else issued.name,
                    Attribute.ID: key_id if index == 0 else bytes([0x10 + index]),
                }
            )
            session.create_object(cert_attributes)
    return SoftHsmToken(
        conf_path=conf_path,
        token_dir=token_dir,
        lib_path=lib_path,
        token_label=token_label,
        pin=pin,
        so_pin=so_pin,
        key_label=key_label,
        cert_label=cert_label,
    )
