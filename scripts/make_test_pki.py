"""Generate the offline test PKI (root, intermediate, signer, seal, expired, revoked, TSA, CRLs).

Usage: python scripts/make_test_pki.py [DIR]   (default: .pki/ at the repository root, git-ignored)

For tests and demos only: every key is protected by the well-known password printed below.
Running it again regenerates everything with new keys.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

try:
    from moh_core.demo import DEFAULT_PASSWORD, generate_test_pki
except ImportError:  # moh_core not installed: use the source tree next to this script
    sys.path.insert(0, str(REPO / "moh_core" / "src"))
    from moh_core.demo import DEFAULT_PASSWORD, generate_test_pki


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "directory", nargs="?", type=Path, default=REPO / ".pki", help="output folder (default: %(default)s)"
    )
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="PKCS#12 password (default: %(default)s)")
    args = parser.parse_args(argv)
    pki = generate_test_pki(args.directory, password=args.password)
    print(
        f"Test PKI for '{pki.organisation}' written to {pki.directory} "
        f"(valid around {pki.now.isoformat()}, PKCS#12 password '{pki.password}'):"
    )
    for entity in pki.entities:
        print(f"  {entity.name:<15} serial {entity.serial_number:x}  CN={entity.common_name}")
    for path in pki.files:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
