"""moh_core's errors: one base, a code, its parameters, the message in English and Vietnamese."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from enum import Enum, StrEnum

import pytest

import moh_core
from moh_core.errors import MohError, Problem, is_vietnamese
from moh_core.exchange import EdxmlError, EdxmlProblem
from moh_core.exchange.transport import ExchangeError
from moh_core.fonts import FontNotFoundError
from moh_core.onestop import OneStopError, OneStopProblem, UploadProblem
from moh_core.signatures import (
    EncryptedPdfError,
    InvalidPdfError,
    SignatureProblem,
    SignedByError,
    SignedByProblem,
    SigningError,
    SigningProblem,
)
from moh_core.signatures.signing import SigningFailed, SigningRefused


class Sample(StrEnum):
    TOO_BIG = "too_big"
    EMPTY = "empty"

    @property
    def description(self) -> str:
        return {"too_big": "{file} is larger than {limit} MB", "empty": "the file is empty"}[self.value]

    @property
    def description_vi(self) -> str:
        return {"too_big": "{file} vượt quá {limit} MB", "empty": "tệp rỗng"}[self.value]


class FramedError(MohError):
    frame = "The upload of {file} was refused: {reason}."
    frame_vi = "Không nhận tệp {file}: {reason}."


def _modules():
    for info in pkgutil.walk_packages(moh_core.__path__, "moh_core."):
        yield importlib.import_module(info.name)


def _defined_here(module, predicate):
    return [
        obj
        for _name, obj in vars(module).items()
        if inspect.isclass(obj) and obj.__module__ == module.__name__ and predicate(obj)
    ]


# -- the base -------------------------------------------------------------------------------------


def test_message_in_both_languages_from_the_code_and_its_parameters():
    error = MohError(Sample.TOO_BIG, {"file": "don.pdf", "limit": 20})
    assert error.code is Sample.TOO_BIG and error.codes == (Sample.TOO_BIG,)
    assert error.params == {"file": "don.pdf", "limit": 20}
    assert error.message == "Don.pdf is larger than 20 MB."
    assert error.message_vi == "Don.pdf vượt quá 20 MB."
    assert error.reason == "don.pdf is larger than 20 MB"
    assert error.reason_vi == "don.pdf vượt quá 20 MB"
    assert error.message_in("vi_VN") == error.message_vi
    assert error.message_in("en_US") == error.message_in(None) == error.message
    assert str(error) == error.message


def test_several_problems_are_one_sentence_and_the_frame_may_use_the_parameters():
    error = FramedError(Sample.TOO_BIG, {"file": "a.pdf", "limit": 5}, codes=[Sample.TOO_BIG, Sample.EMPTY])
    assert error.message == "The upload of a.pdf was refused: a.pdf is larger than 5 MB; the file is empty."
    assert error.message_vi == "Không nhận tệp a.pdf: a.pdf vượt quá 5 MB; tệp rỗng."


def test_the_detail_is_for_logs_only():
    error = MohError(Sample.EMPTY, detail="0 bytes read from the socket")
    assert "socket" not in error.message and "socket" not in error.message_vi
    assert str(error) == "The file is empty. 0 bytes read from the socket"


def test_a_missing_parameter_stays_visible_rather_than_failing():
    assert MohError(Sample.TOO_BIG, {"file": "x.pdf"}).message == "X.pdf is larger than {limit} MB."


def test_a_plain_string_code_uses_the_class_text():
    error = FontNotFoundError("not in /usr/share/fonts")
    assert error.code == "font_not_found" and error.message.startswith("The font")
    assert error.message_vi.startswith("Máy chủ chưa cài phông chữ")
    assert isinstance(error, RuntimeError)


def test_vietnamese_is_recognised_in_any_spelling():
    assert all(map(is_vietnamese, ("vi", "vi_VN", "vi-VN", "VI_vn")))
    assert not any(map(is_vietnamese, ("en_US", "", None, "vie")))


# -- the core's errors ----------------------------------------------------------------------------


def test_every_exception_class_of_moh_core_is_a_moh_error():
    classes = [cls for module in _modules() for cls in _defined_here(module, lambda c: issubclass(c, BaseException))]
    assert {SigningError, EdxmlError, OneStopError, SignedByError, InvalidPdfError, ExchangeError} <= set(classes)
    assert [cls for cls in classes if not issubclass(cls, MohError)] == []


def test_every_problem_of_every_enum_has_an_english_and_a_vietnamese_text():
    enums = [
        cls
        for module in _modules()
        for cls in _defined_here(module, lambda c: issubclass(c, Enum) and c.__name__.endswith("Problem"))
    ]
    assert {SigningProblem, SignatureProblem, SignedByProblem, EdxmlProblem, OneStopProblem, UploadProblem} <= set(
        enums
    )
    for enum in enums:
        for member in enum:
            assert isinstance(member, Problem), member
            assert member.description.strip(), member
            assert member.description_vi.strip(), member
            assert member.description_vi != member.description, member


def test_every_error_class_with_a_plain_code_has_its_own_texts():
    classes = [cls for module in _modules() for cls in _defined_here(module, lambda c: issubclass(c, MohError))]
    for cls in (InvalidPdfError, EncryptedPdfError, ExchangeError, FontNotFoundError):
        assert cls in classes
        error = cls("detail")
        assert error.message.strip() and error.message_vi.strip() and error.message != error.message_vi
        assert error.text != MohError.text and error.text_vi != MohError.text_vi


@pytest.mark.parametrize(
    ("error", "english", "vietnamese"),
    [
        (
            SigningRefused(SigningProblem.REVOKED, codes=[SigningProblem.REVOKED, SigningProblem.WEAK_KEY]),
            "Signing refused: the certificate (or a CA certificate in its chain) is revoked; the key is too weak",
            "Từ chối ký: chứng thư số (hoặc chứng thư của tổ chức chứng thực trong chuỗi) đã bị thu hồi; khóa quá yếu",
        ),
        (
            SigningFailed(SigningProblem.KEY_LOAD_FAILED, "mac verify failure"),
            "Signing refused: the key could not be loaded",
            "Từ chối ký: không mở được khóa",
        ),
        (
            EdxmlError(EdxmlProblem.MALFORMED, "line 1"),
            "The message is not well-formed XML.",
            "Gói tin không phải là XML hợp lệ.",
        ),
        (
            OneStopError(
                OneStopProblem.EXTENSION_NOT_WORKING_DAY, "2027-02-06 is a Saturday", params={"date": "05/02/2027"}
            ),
            "The new date is not a working day: choose a working day after the current deadline 05/02/2027.",
            "Ngày hẹn mới không phải ngày làm việc: hãy chọn một ngày làm việc sau hạn giải quyết hiện tại 05/02/2027.",
        ),
        (
            SignedByError(SignedByProblem.NOT_SIGNED, "no signature"),
            "The PDF carries no signature.",
            "Tệp PDF không có chữ ký.",
        ),
        (EncryptedPdfError("The PDF is encrypted."), "The PDF is encrypted", "Tệp PDF được mã hóa"),
        (
            ExchangeError("the applicant has no name"),
            "The message exchanged with the public service portal",
            "Thông điệp trao đổi với Cổng dịch vụ công",
        ),
    ],
)
def test_the_core_errors_speak_both_languages(error, english, vietnamese):
    assert isinstance(error, MohError)
    assert error.message.startswith(english)
    assert error.message_vi.startswith(vietnamese)


def test_the_legacy_arguments_are_kept():
    weak = SigningRefused(SigningProblem.WEAK_KEY, "RSA 1024 bits")
    assert weak.detail == "RSA 1024 bits" and "RSA 1024 bits" in str(weak) and weak.codes == (SigningProblem.WEAK_KEY,)
    late = OneStopError(OneStopProblem.SUPPLEMENT_TOO_LATE, "due 2027-02-03")
    assert (
        late.code is OneStopProblem.SUPPLEMENT_TOO_LATE and "2027-02-03" in str(late) and isinstance(late, ValueError)
    )
    long = EdxmlError(EdxmlProblem.NOT_CONFORMANT, "x" * 5000)
    assert long.detail is not None and len(long.detail) < 5000
    signed_by = SignedByError(SignedByProblem.OTHER_SIGNER, "someone else", report=None)
    assert signed_by.problem is signed_by.code is SignedByProblem.OTHER_SIGNER and signed_by.report is None
    assert isinstance(EncryptedPdfError(), InvalidPdfError) and EncryptedPdfError().code == "encrypted_pdf"
    assert InvalidPdfError("no header").code == "invalid_pdf" and isinstance(InvalidPdfError(), ValueError)
