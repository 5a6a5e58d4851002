"""Agency identification codes of Decision 20/2020/QĐ-TTg."""

import pytest

from moh_core.exchange import is_agency_code


@pytest.mark.parametrize("code", ["000.00.00.G18", "000.00.04.G18", "000.00.01.H26", "A1B.2C.3D.Z99"])
def test_codes_of_the_decision_are_accepted(code):
    assert is_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        None,
        "",
        "G18",
        "000.00.00.H0",
        "000.00.00.G180",
        "000.00.00.018",
        "000.00.00.g18",
        "000.00.04",
        "00.000.00.G18",
        "000-00-00-G18",
        " 000.00.00.G18",
        "000.00.00.G18 ",
        "000x00.00.G18",
        "DVCQG",
        "000.00.00.G18\n",
    ],
)
def test_anything_else_is_refused(code):
    assert not is_agency_code(code)
