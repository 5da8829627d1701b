"""CSV injection: spreadsheet software runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula (`=cmd|' /C calc'!A0`, `@SUM(...)`, `+HYPERLINK(...)`, `-1+1|cmd`).

Exports: `writer()` is `csv.writer` whose text cells starting so are prefixed with `'` (OWASP's advice:
shown as text, the original value stays readable). Numbers (int, float, Decimal) are written as numbers.
Imports: `formula_like()` tells a cell that must be refused, not stored.
"""
from __future__ import annotations

import csv
import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d\s.,]*")


def escape_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def formula_like(value: Any) -> bool:
    """A text cell that a spreadsheet would evaluate (a signed plain number such as -12 or +3,5 is not)."""
    if not isinstance(value, str):
        return False
    text = value.lstrip(" ")
    if not text.startswith(TRIGGERS):
        return False
    return not _NUMBER.fullmatch(text.strip())


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow([escape_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._inner.dialect


def writer(buffer, *args, **kwargs) -> _SafeWriter:
    """`csv.writer` that escapes formula-like text cells."""
    return _SafeWriter(csv.writer(buffer, *args, **kwargs))
