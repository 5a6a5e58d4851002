"""The one base of every error moh_core raises: a machine code, its parameters, and the message
in English and in Vietnamese.

A caller (the Odoo addons) shows a refusal in the user's language from ``message`` or
``message_vi`` and never writes the text again: each problem's English and Vietnamese texts live
together, once, on its code (a ``Problem`` enum member's ``description`` and ``description_vi``)
or, for an error class with a single problem, on the class (``text`` and ``text_vi``).

Texts are ``str.format`` templates filled from ``params`` (``"{file} is empty"``); the class's
``frame`` puts the problems' texts (``{reason}``, joined by "; ") into a sentence. ``detail`` is
technical English for logs (a parser's error, a file path), never translated nor shown as the
message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["MohError", "Problem", "ProblemCode", "is_vietnamese", "register_texts"]


@runtime_checkable
class Problem(Protocol):
    """A machine code carrying its text in both languages (the ``*Problem`` enums' members)."""

    @property
    def value(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def description_vi(self) -> str: ...


#: Each ``ProblemCode`` enum's texts: (English, Vietnamese), registered by :func:`register_texts`.
_TEXTS: dict[type, tuple[Mapping[Any, str], Mapping[Any, str]]] = {}


class ProblemCode(StrEnum):
    """Base of the ``*Problem`` enums: a machine code whose English and Vietnamese texts are
    written once, in two dicts beside the enum, and registered with :func:`register_texts`."""

    @property
    def description(self) -> str:
        """One English phrase, for logs and messages."""
        return _TEXTS[type(self)][0][self]

    @property
    def description_vi(self) -> str:
        """The description in Vietnamese."""
        return _TEXTS[type(self)][1][self]


def register_texts(codes: type[ProblemCode], english: Mapping[Any, str], vietnamese: Mapping[Any, str]) -> None:
    """Give every member of ``codes`` its texts; a member without both is refused at import."""
    missing = [code for code in codes if code not in english or code not in vietnamese]
    if missing:
        raise ValueError(f"{codes.__name__}: no English or Vietnamese text for {missing}")
    _TEXTS[codes] = (english, vietnamese)


def is_vietnamese(lang: str | None) -> bool:
    """True for a Vietnamese language code (``vi``, ``vi_VN``, ``vi-VN``)."""
    return (lang or "").lower().replace("-", "_").split("_")[0] == "vi"


class _Blanks(dict[str, Any]):
    """Format values: a parameter the error does not carry stays visible as ``{name}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: Mapping[str, Any]) -> str:
    return template.format_map(_Blanks(params))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class MohError(Exception):
    """A refusal or failure of moh_core.

    :param code: the primary problem: a ``Problem`` member, or a plain string for a class whose
        one problem is described by its ``text``/``text_vi``.
    :param params: values of the texts' ``{name}`` placeholders.
    :param codes: every problem, the primary one first (default: ``code`` alone).
    :param detail: technical English for logs; ``str(error)`` ends with it.
    """

    #: The sentence around the problems' texts, ``{reason}`` (parameters may be used too).
    frame: ClassVar[str] = "{reason}."
    frame_vi: ClassVar[str] = "{reason}."
    #: The text of a plain-string code (the class's one problem).
    #: Whether the message's first letter is made upper case (not when it starts with a name).
    capitalise: ClassVar[bool] = True
    text: ClassVar[str] = "the operation could not be completed"
    text_vi: ClassVar[str] = "không thực hiện được thao tác"

    def __init__(
        self,
        code: Problem | str,
        params: Mapping[str, Any] | None = None,
        *,
        codes: Sequence[Problem | str] | None = None,
        detail: str | None = None,
    ) -> None:
        self.code = code
        self.codes: tuple[Problem | str, ...] = tuple(codes) if codes else (code,)
        self.params: Mapping[str, Any] = MappingProxyType(dict(params or {}))
        self.detail = detail
        super().__init__(f"{self.message} {detail}" if detail else self.message)

    # -- texts --------------------------------------------------------------------------------

    def _code_text(self, code: Problem | str, vietnamese: bool) -> str:
        if isinstance(code, Problem):
            return code.description_vi if vietnamese else code.description
        return self.text_vi if vietnamese else self.text

    def reason_in(self, lang: str | None) -> str:
        """The problems' texts in ``lang`` (Vietnamese for ``vi*``, else English), lower case,
        without final punctuation: for a caller's own sentence."""
        vietnamese = is_vietnamese(lang)
        return "; ".join(_fill(self._code_text(code, vietnamese), self.params) for code in self.codes)

    def message_in(self, lang: str | None) -> str:
        """The whole message in ``lang`` (Vietnamese for ``vi*``, else English)."""
        frame = self.frame_vi if is_vietnamese(lang) else self.frame
        text = _fill(frame, {**self.params, "reason": self.reason_in(lang)})
        return _capitalised(text) if self.capitalise else text

    @property
    def reason(self) -> str:
        return self.reason_in("en")

    @property
    def reason_vi(self) -> str:
        return self.reason_in("vi")

    @property
    def message(self) -> str:
        """The message in English."""
        return self.message_in("en")

    @property
    def message_vi(self) -> str:
        """The message in Vietnamese."""
        return self.message_in("vi")
