"""Timezone-aware datetimes in API answers.

Stored times are UTC; SQLite gives them back naive. `UtcDateTime` (a pydantic type for response models)
marks naive values as UTC, so every `date-time` the API sends carries its offset, as RFC 3339 and the
OpenAPI schema require."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
