"""Fixtures shared by the signing and issuing tests: one offline test PKI per test module."""

import pytest

from moh_core.demo import generate_test_pki
from moh_core.signatures import ValidationMaterial


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return generate_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def material(pki):
    return ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)
