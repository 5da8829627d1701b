"""Number formats of the report (English conventions, amounts rounded to the euro in tables)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
DASH = "\u2013"


def count(value: Decimal | int | float | None) -> str:
    if value is None:
        return DASH
    return f"{int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)):,}".replace("-", MINUS)


def eur(value: Decimal | None) -> str:
    if value is None:
        return DASH
    whole = int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))
    return (MINUS if whole < 0 else "") + f"€{abs(whole):,}"


def eur_short(value: Decimal | None) -> str:
    if value is None:
        return DASH
    v = Decimal(value)
    sign = MINUS if v < 0 else ""
    v = abs(v)
    if v >= Decimal(10) ** 9:
        return f"{sign}€{v / Decimal(10) ** 9:,.2f} billion"
    if v >= Decimal(10) ** 6:
        return f"{sign}€{v / Decimal(10) ** 6:,.1f} million"
    return f"{sign}€{int(v.quantize(Decimal(1), ROUND_HALF_UP)):,}"


def value(v: Decimal | None, unit: str) -> str:
    return eur(v) if unit == "EUR" else count(v)


def number(v: int | float | None, decimals: int = 0) -> str:
    if v is None:
        return DASH
    return f"{v:,.{decimals}f}".replace("-", MINUS)


def change(current: Decimal | float | None, previous: Decimal | float | None) -> str:
    """Relative change from the previous year: '+4.2%', '−3.1%', 'new' (zero before), 'n/a' (no figure for the
    previous year) or '–' (nothing either year)."""
    if current is None and previous is None:
        return DASH
    if previous is None:
        return "n/a"
    current = Decimal(str(current or 0))
    previous = Decimal(str(previous or 0))
    if previous == 0:
        return "new" if current > 0 else DASH
    pct = (current - previous) / previous * 100
    pct = pct.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if pct == 0:
        return "0.0%"
    return f"{'+' if pct > 0 else MINUS}{abs(pct)}%"


def share(part: float | int | None, whole: float | int | None) -> str:
    if not whole or part is None:
        return DASH
    return f"{Decimal(str(part)) / Decimal(str(whole)) * 100:.1f}%"
