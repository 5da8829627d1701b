"""Case activity over a period, for the statistics module and the annual report.

- cases_by_type / cases_by_country: cases submitted in [start, end] (country = the other state or
  territory: the state of work for a continuation, the state of usual work for an exemption);
  inquiries (assistant hand-overs, forms) are counted under "inquiry" when that module is installed.
- cases_by_outcome: decisions taken in the period (accepted, refused), withdrawals in the period, and
  cases submitted in the period still open ("pending").
- processing_days_*: calendar days from submission to decision, for decisions taken in the period.
"""
from __future__ import annotations

import datetime as dt
import statistics

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from liaison.db import session_scope


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if end < start:
        raise ValueError("end must not be before start")
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return lo, hi


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lower = int(pos)
    frac = pos - lower
    upper = min(lower + 1, len(ordered) - 1)
    return round(ordered[lower] + (ordered[upper] - ordered[lower]) * frac, 2)


def activity_summary(db_url: str, start: dt.date, end: dt.date) -> dict:
    from intake.models import Case

    lo, hi = _bounds(start, end)
    submitted = (Case.submitted_at >= lo) & (Case.submitted_at < hi)
    country = sql_case((Case.case_type == "exemption", Case.home_country), else_=Case.work_country)
    with session_scope(db_url) as s:
        by_type = dict(s.execute(select(Case.case_type, func.count()).where(submitted).group_by(Case.case_type)).all())
        by_country = dict(s.execute(select(country, func.count()).where(submitted).group_by(country)).all())
        decided = (Case.decided_at >= lo) & (Case.decided_at < hi) & Case.decision.is_not(None)
        by_outcome = dict(s.execute(select(Case.decision, func.count()).where(decided).group_by(Case.decision)).all())
        withdrawn = s.scalar(select(func.count()).select_from(Case).where(
            Case.status == "withdrawn", Case.closed_at >= lo, Case.closed_at < hi))
        pending = s.scalar(select(func.count()).select_from(Case).where(
            submitted, Case.status.in_(("submitted", "in_review", "information_requested", "decision_proposed"))))
        spans = s.execute(select(Case.submitted_at, Case.decided_at).where(decided, Case.submitted_at.is_not(None))).all()
    days = [max((d - sub).total_seconds() / 86400, 0.0) for sub, d in spans]
    days = [round(x, 2) for x in days]
    outcome = {k: v for k, v in by_outcome.items() if k}
    if withdrawn:
        outcome["withdrawn"] = withdrawn
    if pending:
        outcome["pending"] = pending
    by_type = {k: v for k, v in by_type.items() if k}
    inquiries = _inquiries(db_url, lo, hi)
    if inquiries:
        by_type["inquiry"] = inquiries
    return {
        "cases_by_type": by_type,
        "cases_by_outcome": outcome,
        "cases_by_country": {k: v for k, v in by_country.items() if k},
        "processing_days_median": round(statistics.median(days), 2) if days else None,
        "processing_days_p90": _percentile(days, 0.9),
    }


def _inquiries(db_url: str, lo: dt.datetime, hi: dt.datetime) -> int:
    """Inquiries live in the assistant's table (assistant/inquiries.py); counted when it is installed."""
    try:
        from assistant.models import Inquiry
    except ImportError:
        return 0
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with session_scope(db_url) as s:
            return int(s.scalar(select(func.count()).select_from(Inquiry).where(
                Inquiry.created_at >= lo, Inquiry.created_at < hi)) or 0)
    except SQLAlchemyError:
        return 0
