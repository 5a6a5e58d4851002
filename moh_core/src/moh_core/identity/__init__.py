"""Who signed in through the national identity provider (the DVCQG IdP, and VNeID behind it):
the identity claims mapped to a typed identity, and the rule of what that identity proves."""

from moh_core.identity.dvcqg import (
    AccountKind,
    BusinessIdentity,
    ClaimNames,
    IdentityProblem,
    IdentityRefused,
    NationalIdentity,
    business_at_assurance,
    map_claims,
    meets_assurance,
    normalise_tax_code,
    require_assurance,
)
from moh_core.identity.oidc import SigninSecrets, at_hash, verify_id_token

__all__ = [
    "AccountKind",
    "BusinessIdentity",
    "ClaimNames",
    "IdentityProblem",
    "IdentityRefused",
    "NationalIdentity",
    "SigninSecrets",
    "at_hash",
    "business_at_assurance",
    "map_claims",
    "meets_assurance",
    "normalise_tax_code",
    "require_assurance",
    "verify_id_token",
]
