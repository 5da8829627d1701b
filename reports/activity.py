"""The centre's own figures, asked of the capabilities that hold them.

Each source module provides `activity_summary(db_url, start: date, end: date) -> dict` (period with both
ends included). A module that is not installed, lacks the function or fails is reported as "not
available" with the reason: the report never invents a number.
"""
from __future__ import annotations

import importlib
import logging
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

log = logging.getLogger("liaison.reports")

# name -> (module, scalar keys, mapping keys) as agreed with each capability.
SOURCES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "assistant": ("assistant.activity",
                  ("questions", "abstentions", "handovers", "feedback_useful", "feedback_not_useful"),
                  ("by_language", "by_topic")),
    "intake": ("intake.activity",
               ("processing_days_median", "processing_days_p90"),
               ("cases_by_type", "cases_by_outcome", "cases_by_country")),
    "translation": ("translation.activity", ("documents", "segments", "words"), ("pairs",)),
}


@dataclass
class ActivitySummary:
    name: str
    module: str
    available: bool
    reason: str = ""
    current: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] | None = None
    synthetic: bool = False  # demonstration figures standing in for a desk that recorded nothing


def period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else round(number, 2)


def _clean(raw: Any, scalars: tuple[str, ...], mappings: tuple[str, ...]) -> dict[str, Any]:
    """Keep only the agreed keys with numeric values (a malformed entry is dropped, never guessed)."""
    if not isinstance(raw, dict):
        raise TypeError(f"activity_summary returned {type(raw).__name__}, not a dict")
    out: dict[str, Any] = {}
    for key in scalars:
        value = _number(raw.get(key))
        if value is not None:
            out[key] = value
    for key in mappings:
        mapping = raw.get(key)
        if isinstance(mapping, dict):
            cleaned: dict[str, int | float] = {}
            for k, v in mapping.items():
                number = _number(v)
                if number is not None:
                    label = str(k) if k not in (None, "") else "unspecified"
                    cleaned[label] = cleaned.get(label, 0) + number
            out[key] = dict(sorted(cleaned.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def collect(db_url: str, year: int, name: str) -> ActivitySummary:
    module_name, scalars, mappings = SOURCES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or module_name == exc.name or module_name.startswith(exc.name + "."):
            return ActivitySummary(name, module_name, False, f"module {module_name} is not installed")
        log.warning("activity source %s cannot be imported: %s", module_name, exc)
        return ActivitySummary(name, module_name, False, f"module {module_name} cannot be imported ({exc})")
    except Exception as exc:  # a broken module must not break the report
        log.warning("activity source %s cannot be imported: %s", module_name, exc)
        return ActivitySummary(name, module_name, False, f"module {module_name} cannot be imported "
                               f"({type(exc).__name__})")
    summary = getattr(module, "activity_summary", None)
    if not callable(summary):
        return ActivitySummary(name, module_name, False, f"{module_name} has no activity_summary()")
    try:
        current = _clean(summary(db_url, *period(year)), scalars, mappings)
    except Exception as exc:
        log.exception("activity source %s failed", module_name)
        return ActivitySummary(name, module_name, False, f"{module_name}.activity_summary() failed "
                               f"({type(exc).__name__})")
    try:
        previous = _clean(summary(db_url, *period(year - 1)), scalars, mappings)
    except Exception:
        log.exception("activity source %s failed for %s", module_name, year - 1)
        previous = None
    return ActivitySummary(name, module_name, True, "", current, previous)


def collect_all(db_url: str, year: int) -> dict[str, ActivitySummary]:
    return {name: collect(db_url, year, name) for name in SOURCES}
