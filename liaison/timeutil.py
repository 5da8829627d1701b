"""Timezone-aware datetimes in API answers; dates and date-times read only in their ISO form.

Stored times are UTC; SQLite gives them back naive. `UtcDateTime` (a pydantic type for response models)
marks naive values as UTC, so every `date-time` the API sends carries its offset, as RFC 3339 and the
OpenAPI schema require."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _iso_date_only(value):
    # pydantic's lax mode reads "0" or 0 as a Unix timestamp (1970-01-01): a date must be written YYYY-MM-DD.
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def _iso_datetime_only(value):
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not ISO_DATETIME.match(value):
        raise ValueError("a date-time is written YYYY-MM-DDTHH:MM:SS[+HH:MM]")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime_only)]
