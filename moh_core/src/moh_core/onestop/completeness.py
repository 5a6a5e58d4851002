"""Completeness of a dossier at the one-stop shop: its files against the procedure's list of
required documents (Decree 118/2025/NĐ-CP, Art. 17.2.a: every defect is listed at once).

:func:`completeness` uses the verdicts of :func:`moh_core.onestop.uploads.check_upload`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from moh_core.onestop.problems import OneStopError, OneStopProblem

if TYPE_CHECKING:  # uploads pulls in pyHanko; the clock arithmetic does not need it
    from moh_core.onestop.uploads import UploadCheck, UploadProblem

__all__ = [
    "CompletenessProblem",
    "CompletenessReport",
    "ItemStatus",
    "ProvidedFile",
    "Requirement",
    "RequirementStatus",
    "completeness",
]


class ItemStatus(StrEnum):
    """The state of one required document in a dossier."""

    OK = "ok"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    """A file was provided but failed the upload check (wrong type, unreadable, encrypted...)."""
    BAD_SIGNATURE = "bad_signature"
    """A file was provided whose embedded signatures are not all valid."""


#: Worst first: with several files for one requirement, the worst one decides.
_SEVERITY = (ItemStatus.UNREADABLE, ItemStatus.BAD_SIGNATURE, ItemStatus.OK)


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One document of the procedure's dossier list (``key`` is stable, ``name`` is shown)."""

    key: str
    name: str
    required: bool = True


@dataclasses.dataclass(frozen=True)
class ProvidedFile:
    """A file of the dossier, for one requirement; ``check`` is None for a file not checked
    (e.g. a paper copy scanned at the counter), which counts as acceptable."""

    requirement_key: str
    filename: str
    check: UploadCheck | None = None

    @property
    def status(self) -> ItemStatus:
        if self.check is None:
            return ItemStatus.OK
        if not self.check.ok:
            return ItemStatus.UNREADABLE
        if self.check.signatures_valid is False:
            return ItemStatus.BAD_SIGNATURE
        return ItemStatus.OK


@dataclasses.dataclass(frozen=True)
class CompletenessProblem:
    """Why a requirement blocks the dossier; ``filename`` and ``upload_problem`` name the file."""

    requirement_key: str
    status: ItemStatus
    filename: str | None = None
    upload_problem: UploadProblem | None = None

    @property
    def description(self) -> str:
        text = {
            ItemStatus.MISSING: "required document missing",
            ItemStatus.UNREADABLE: "file not acceptable",
            ItemStatus.BAD_SIGNATURE: "signature not valid",
            ItemStatus.OK: "acceptable",
        }[self.status]
        text = f"{self.requirement_key}: {text}"
        if self.filename:
            from moh_core.onestop.uploads import UploadRefused  # noqa: PLC0415 (pyHanko, only when needed)

            text += f" ({self.filename}"
            text += f": {UploadRefused(self.upload_problem).reason})" if self.upload_problem else ")"
        return text


@dataclasses.dataclass(frozen=True)
class RequirementStatus:
    """One requirement, its files and their combined status."""

    requirement: Requirement
    status: ItemStatus
    files: tuple[ProvidedFile, ...]

    @property
    def blocking(self) -> bool:
        """A required document not ok, or an optional one provided but not acceptable."""
        if self.status is ItemStatus.OK:
            return False
        return self.requirement.required or self.status is not ItemStatus.MISSING


@dataclasses.dataclass(frozen=True)
class CompletenessReport:
    """Every requirement's status, in the procedure's order, and the files matching none."""

    items: tuple[RequirementStatus, ...]
    unmatched_files: tuple[ProvidedFile, ...] = ()
    """Files for a key the procedure no longer lists: shown, not blocking."""

    @property
    def complete(self) -> bool:
        """Every required document is ok and no provided file is unacceptable."""
        return not any(item.blocking for item in self.items)

    @property
    def problems(self) -> tuple[CompletenessProblem, ...]:
        """What blocks the dossier: one entry per missing document and per bad file."""
        found: list[CompletenessProblem] = []
        for item in self.items:
            if not item.blocking:
                continue
            key = item.requirement.key
            if item.status is ItemStatus.MISSING:
                found.append(CompletenessProblem(key, ItemStatus.MISSING))
                continue
            for file in item.files:
                if file.status is not ItemStatus.OK:
                    problem = file.check.problem if file.check is not None else None
                    found.append(CompletenessProblem(key, file.status, file.filename, problem))
        return tuple(found)

    def status_of(self, key: str) -> ItemStatus:
        for item in self.items:
            if item.requirement.key == key:
                return item.status
        raise KeyError(key)


def completeness(requirements: Sequence[Requirement], files: Iterable[ProvidedFile]) -> CompletenessReport:
    """Check the dossier's files against its list of required documents.

    A requirement is ``missing`` with no file, else the worst of its files: ``unreadable`` (the
    upload check failed), ``bad_signature`` (signatures present and not all valid), ``ok``.
    The dossier is complete when every required item is ok; an optional item may be missing,
    but an optional file that is provided and not acceptable blocks too: it must be replaced or
    removed before the dossier is accepted.

    :raises OneStopError: ``DUPLICATE_REQUIREMENT``.
    """
    by_key: dict[str, list[ProvidedFile]] = {}
    for requirement in requirements:
        if requirement.key in by_key:
            raise OneStopError(
                OneStopProblem.DUPLICATE_REQUIREMENT,
                f"{requirement.key!r}",
            )
        by_key[requirement.key] = []
    unmatched: list[ProvidedFile] = []
    for file in files:
        by_key.get(file.requirement_key, unmatched).append(file)
    items = []
    for requirement in requirements:
        provided = tuple(by_key[requirement.key])
        if not provided:
            status = ItemStatus.MISSING
        else:
            statuses = {file.status for file in provided}
            status = next(s for s in _SEVERITY if s in statuses)
        items.append(RequirementStatus(requirement, status, provided))
    return CompletenessReport(tuple(items), tuple(unmatched))
