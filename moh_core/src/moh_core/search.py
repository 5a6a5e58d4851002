"""Search as users type: what a search box query becomes, and the text of a PDF file.

The database folds the searched text the same way (lower case, then PostgreSQL's ``unaccent``
rules, then every run of characters other than a-z and 0-9 becomes one space) before it builds
a ``simple`` full-text vector of it; :func:`fold` is that folding in Python, so a query typed
with or without Vietnamese diacritics ("cong van bo tai chinh", "Công văn Bộ Tài chính") gives
the same terms as the text stored with them. Every term must match (AND): each as a whole word,
except the last, which is usually being typed, as the beginning of a word once it has
:data:`MIN_PREFIX` characters (a one- or two-letter Vietnamese word, "y", "bộ", "hà", is a word
of its own far more often than the start of a longer one, and as a prefix it would match a good
part of any register).

A number and symbol ("123/BTC-VP") is also searched as a substring of the document's number
(trigram index), so a part of it ("23/BTC") is found too: :func:`number_pattern`.

The text of attached PDF files is extracted once, when the file is attached, by poppler's
``pdftotext`` (the Debian package poppler-utils, which the image installs): a separate process
with a time limit, so that a broken or hostile file never stops the registration: the document
is then registered without the text (:func:`pdf_text` returns ``""``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

__all__ = [
    "MAX_TERMS",
    "MAX_TERM_LENGTH",
    "MAX_TEXT_CHARS",
    "MIN_PREFIX",
    "fold",
    "number_pattern",
    "pdf_text",
    "search_terms",
    "tsquery",
]

#: Words of one query that are searched (more are ignored: a pasted paragraph stays fast).
MAX_TERMS = 12
#: Characters of one word that are searched.
MAX_TERM_LENGTH = 64
#: Characters of a document's file text that are kept and indexed (about 60 pages of text).
MAX_TEXT_CHARS = 200_000
#: The shortest last word searched as the beginning of a word (a shorter one as a whole word).
MIN_PREFIX = 3
#: The shortest number fragment searched as a substring (a trigram needs three characters).
MIN_NUMBER_PATTERN = 3

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
#: Letters whose diacritic is not a combining mark in Unicode (PostgreSQL's unaccent maps them).
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Lower case, without diacritics (đ becomes d), as PostgreSQL's unaccent(lower(text))."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(query: str | None) -> list[str]:
    """The words of a query, folded, in order, without repetition (at most :data:`MAX_TERMS`)."""
    terms: list[str] = []
    for word in _NOT_ALNUM.split(fold(query or "")):
        term = word[:MAX_TERM_LENGTH]
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def tsquery(terms: list[str]) -> str:
    """A ``to_tsquery('simple', …)`` text: all the terms required, each a whole word but the
    last, which is a prefix when it has :data:`MIN_PREFIX` characters or more.

    Terms are those of :func:`search_terms` (a-z and 0-9 only); anything else is refused."""
    for term in terms:
        if not term or _NOT_ALNUM.search(term):
            raise ValueError(f"not a search term: {term!r}")
    words = list(terms)
    if words and len(words[-1]) >= MIN_PREFIX:
        words[-1] += ":*"
    return " & ".join(words)


def number_pattern(query: str | None) -> str | None:
    """A ``LIKE`` pattern for a query that looks like (a part of) a number and symbol: one word
    with a digit, at least three characters. Folded like the indexed number; ``%``, ``_`` and
    ``\\`` are escaped. ``None`` for any other query."""
    text = fold((query or "").strip())
    if len(text) < MIN_NUMBER_PATTERN or any(char.isspace() for char in text) or not any(c.isdigit() for c in text):
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def pdf_text(
    data: bytes,
    *,
    max_chars: int = MAX_TEXT_CHARS,
    timeout: float = 30.0,
    max_pages: int = 200,
    command: str = "pdftotext",
) -> str:
    """The text of a PDF file (its first ``max_pages`` pages, at most ``max_chars`` characters),
    or ``""`` when it has none or cannot be read: not a PDF, a broken or encrypted file,
    ``pdftotext`` missing or taking longer than ``timeout`` seconds. Whitespace runs become one
    space (the text is for searching, not for reading)."""
    if not data.startswith(b"%PDF-"):
        return ""
    program = shutil.which(command)
    if program is None:
        return ""
    try:
        result = subprocess.run(
            [program, "-q", "-enc", "UTF-8", "-l", str(max_pages), "-", "-"],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if result.returncode:
        return ""
    text = result.stdout.decode("utf-8", errors="replace")
    return " ".join(text.split())[:max_chars]
