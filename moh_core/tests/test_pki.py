"""The offline test PKI: chain, CRLs, validity periods, key usages, files."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import ExpiredError, RevokedError

from moh_core.demo import generate_test_pki

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_test_pki.py"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return generate_test_pki(tmp_path_factory.mktemp("pki"), now=NOW)


def path_validation(pki, entity):
    """pyhanko-certvalidator's own path validation, offline, hard-fail on revocation."""
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(pki.root.der)],
        crls=[asn1_crl.CertificateList.load(der) for der in pki.crls],
        moment=NOW,
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(entity.der),
        intermediate_certs=[asn1_x509.Certificate.load(pki.intermediate.der)],
        validation_context=context,
    )
    return asyncio.run(validator.async_validate_path())


def test_chain_builds(pki):
    for entity in (pki.signer, pki.seal, pki.expired_signer, pki.revoked_signer, pki.tsa):
        entity.certificate.verify_directly_issued_by(pki.intermediate.certificate)
    pki.intermediate.certificate.verify_directly_issued_by(pki.root.certificate)
    pki.root.certificate.verify_directly_issued_by(pki.root.certificate)
    path = path_validation(pki, pki.signer)
    assert len(path) == 3
    assert path_validation(pki, pki.seal)


def test_crls_list_the_revoked_signer_only(pki):
    crl = pki.intermediate_crl
    assert crl.is_signature_valid(pki.intermediate.certificate.public_key())
    assert crl.issuer == pki.intermediate.certificate.subject
    assert [entry.serial_number for entry in crl] == [pki.revoked_signer.serial_number]
    assert crl.get_revoked_certificate_by_serial_number(pki.signer.serial_number) is None
    assert crl.next_update_utc > NOW > crl.last_update_utc
    assert pki.root_crl.is_signature_valid(pki.root.certificate.public_key())
    assert len(pki.root_crl) == 0
    assert x509.load_der_x509_crl(pki.intermediate_crl_path.read_bytes()) == crl
    with pytest.raises(RevokedError):
        path_validation(pki, pki.revoked_signer)


def test_expired_signer_is_expired(pki):
    cert = pki.expired_signer.certificate
    assert cert.not_valid_after_utc < NOW
    assert cert.not_valid_before_utc >= pki.intermediate.certificate.not_valid_before_utc
    with pytest.raises(ExpiredError):
        path_validation(pki, pki.expired_signer)
    assert pki.signer.certificate.not_valid_before_utc < NOW < pki.signer.certificate.not_valid_after_utc


def test_signer_profile(pki):
    cert = pki.signer.certificate
    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert key_usage.critical
    assert key_usage.value.digital_signature and key_usage.value.content_commitment
    assert not key_usage.value.key_cert_sign
    assert isinstance(cert.public_key(), rsa.RSAPublicKey) and cert.public_key().key_size == 2048
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    crl_dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert crl_dp[0].full_name[0].value.endswith("/intermediate.crl")


def test_vietnamese_names_are_utf8strings(pki):
    (common_name,) = pki.signer.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert common_name.value == "Nguyễn Văn An"
    assert common_name._type == x509.name._ASN1Type.UTF8String
    (organisation,) = pki.seal.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    assert organisation.value == "Bộ Y tế (thử nghiệm)"


def test_tsa_profile(pki):
    eku = pki.tsa.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_ca_profiles(pki):
    for ca, path_length in ((pki.root, 1), (pki.intermediate, 0)):
        constraints = ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        assert constraints.critical and constraints.value.ca
        assert constraints.value.path_length == path_length
        key_usage = ca.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        assert key_usage.key_cert_sign and key_usage.crl_sign


def test_files_and_pkcs12(pki):
    assert all(path.is_file() for path in pki.files)
    assert x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes()) == pki.root.certificate
    key, cert, chain = pkcs12.load_key_and_certificates(pki.signer_p12_path.read_bytes(), pki.password.encode())
    assert cert == pki.signer.certificate
    assert key.public_key().public_numbers() == pki.signer.certificate.public_key().public_numbers()
    assert set(chain) == {pki.intermediate.certificate, pki.root.certificate}
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(pki.signer_p12_path.read_bytes(), b"wrong")


def test_regenerating_into_the_same_folder(pki):
    again = generate_test_pki(pki.directory, now=NOW, password="khác")
    assert again.files == pki.files
    assert again.signer.serial_number != pki.signer.serial_number
    pkcs12.load_key_and_certificates(again.signer_p12_path.read_bytes(), b"kh\xc3\xa1c")


def test_naive_now_is_refused(tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_test_pki(tmp_path, now=datetime(2026, 1, 1))


@pytest.mark.skipif(not SCRIPT.is_file(), reason="scripts/make_test_pki.py is not in this checkout")
def test_cli_script(tmp_path):
    output = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "out")],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "Nguyễn Văn An" in output and "intermediate.crl" in output
    assert (tmp_path / "out" / "signer.p12").is_file()
    assert (
        datetime.now(UTC) - timedelta(days=2)
        < x509.load_pem_x509_certificate((tmp_path / "out" / "signer.pem").read_bytes()).not_valid_before_utc
    )
