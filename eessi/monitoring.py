"""Exchange monitoring from the imported counts: volumes sent and received, answers and mean response
time, and exchanges still open, grouped by BUC, SED, partner, direction or month.

`open` is a stock counted at the end of each month, so a period's open exchanges are those of its last
month (summing months would count the same case several times). The mean response time is weighted by
the number of answered SEDs of each line that gives one."""
from __future__ import annotations

from collections import defaultdict

GROUPS = ("buc", "sed", "partner", "direction", "month")


def _load(db_url: str, year: int | None):
    from sqlalchemy import select

    from eessi.models import ExchangeCount
    from liaison.db import session_scope

    with session_scope(db_url) as s:
        query = select(ExchangeCount)
        if year is not None:
            query = query.where(ExchangeCount.year == year)
        return [(r.month, r.buc, r.sed, r.partner, r.direction, r.count, r.answered, r.response_days, r.open,
                 r.synthetic) for r in s.scalars(query)]


def years(db_url: str) -> list[int]:
    from sqlalchemy import distinct, select

    from eessi.models import ExchangeCount
    from liaison.db import session_scope

    with session_scope(db_url) as s:
        return sorted(s.scalars(select(distinct(ExchangeCount.year))), reverse=True)


def _empty() -> dict:
    return {"sent": 0, "received": 0, "answered": 0, "_days": 0.0, "_timed": 0, "open": 0}


def _finish(acc: dict) -> dict:
    timed = acc.pop("_timed")
    days = acc.pop("_days")
    acc["mean_response_days"] = round(days / timed, 2) if timed else None
    return acc


def volumes(db_url: str, *, by: str = "buc", year: int | None = None) -> dict:
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; allowed: {', '.join(GROUPS)}")
    rows = _load(db_url, year)
    last_month = max((r[0] for r in rows), default=None)
    index = {"month": 0, "buc": 1, "sed": 2, "partner": 3, "direction": 4}[by]
    groups: dict[str, dict] = defaultdict(_empty)
    total = _empty()
    for month, buc, sed, partner, direction, count, answered, days, still_open, _synthetic in rows:
        for acc in (groups[(month, buc, sed, partner, direction)[index]], total):
            acc[direction] += count
            acc["answered"] += answered
            if days is not None and answered:
                acc["_days"] += days * answered
                acc["_timed"] += answered
            if month == last_month:
                acc["open"] += still_open
    labels = {}
    if by == "partner":
        from reports.catalogue import country_name

        labels = {k: f"{country_name(k)} ({k})" for k in groups}
    out_rows = [{"key": key, "label": labels.get(key, key), **_finish(acc)}
                for key, acc in sorted(groups.items(), key=lambda kv: (-(kv[1]["sent"] + kv[1]["received"]), kv[0])
                                       if by != "month" else kv[0])]
    return {"by": by, "year": year, "rows": out_rows, "total": _finish(total), "open_as_of": last_month,
            "synthetic": any(r[9] for r in rows)}
