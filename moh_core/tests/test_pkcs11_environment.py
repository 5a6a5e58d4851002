"""A PKCS#11 module configured by the environment (SoftHSM2's SOFTHSM2_CONF): the signer sets the
variables it is given and re-initialises a module that was running with others, so a server
started without them (after a restart, say) still reaches the agency's token."""

import os

import pytest

from moh_core.demo import find_softhsm, make_softhsm_token
from moh_core.signatures import errors, signers


@pytest.fixture
def restore_environment():
    previous = os.environ.get("SOFTHSM2_CONF")
    yield
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def test_the_token_is_found_through_its_configured_environment(pki, tmp_path, restore_environment):
    if find_softhsm() is None:
        pytest.skip("softhsm2-util / libsofthsm2.so not installed (Debian package softhsm2)")
    seal = make_softhsm_token(tmp_path / "seal", pki.seal, chain=[pki.intermediate], token_label="moh-seal-env")
    other = make_softhsm_token(tmp_path / "other", pki.signer, token_label="moh-other-env")
    # The process now points at the other token directory, as an unrelated earlier use would.
    assert os.environ["SOFTHSM2_CONF"] == str(other.conf_path)
    with pytest.raises(errors.SigningFailed):
        signers.load_pkcs11_signer(seal.lib_path, seal.token_label, seal.pin, seal.key_label, seal.cert_label)
    loaded = signers.load_pkcs11_signer(
        seal.lib_path,
        seal.token_label,
        seal.pin,
        seal.key_label,
        seal.cert_label,
        environment={"SOFTHSM2_CONF": str(seal.conf_path)},
    )
    try:
        assert loaded.common_name == pki.seal.common_name
    finally:
        loaded.close()
    # A server started without the variable at all.
    os.environ.pop("SOFTHSM2_CONF", None)
    loaded = signers.load_pkcs11_signer(
        other.lib_path,
        other.token_label,
        other.pin,
        other.key_label,
        other.cert_label,
        environment={"SOFTHSM2_CONF": str(other.conf_path)},
    )
    try:
        assert loaded.common_name == pki.signer.common_name
    finally:
        loaded.close()
