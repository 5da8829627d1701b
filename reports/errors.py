"""Problems found in a statistical return, located by sheet, line and column so the sender can fix them."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class ReturnIssue:
    code: str  # machine-readable: unknown_country, negative_count, wrong_unit, duplicate_line, ...
    message: str
    line: int | None = None
    sheet: str | None = None
    column: str | None = None

    @property
    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or "file"

    def __str__(self) -> str:
        location = self.location
        return self.message if location == "file" else f"{location}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self) | {"text": str(self)}


class ReturnFileError(Exception):
    """The file cannot be read as a return at all (size, format, encoding, layout): nothing is imported."""

    def __init__(self, issues: list[ReturnIssue]):
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:3]))

    def __reduce__(self):  # rebuilt from its issues when it crosses a process boundary (liaison.sandbox)
        return type(self), (self.issues,)


class ReturnTooLarge(ReturnFileError):
    """Refused by size before reading the content."""


def too_large_issue(size_bytes: int, limit_mb: float) -> ReturnIssue:
    return ReturnIssue(
        "too_large",
        f"the file is {size_bytes / 1_000_000:.1f} MB; the limit is {limit_mb:g} MB: "
        "split the return or remove unused sheets",
    )
