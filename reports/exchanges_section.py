"""The annual report's section on the electronic exchange (EESSI, article R767-2 10° and 7°): SEDs sent and
received, answers and mean response time, exchanges open at year end, by business use case and by
partner state, from the imported exchange counts (`liaison eessi import-counts`).

`load(db_url, year)` reads the figures once (they enter the report's fingerprint); `section(num, year,
data)` builds the section, or returns None when no count was imported for the year or the one before
(the report then has no exchange section rather than an empty one)."""
from __future__ import annotations

from typing import Any

from reports import formatting as fmt

SECTION_ID = "exchanges"
TOP = 10


def load(db_url: str, year: int) -> dict[str, Any] | None:
    from eessi.monitoring import volumes

    try:
        current = volumes(db_url, by="buc", year=year)
        previous = volumes(db_url, by="buc", year=year - 1)
    except Exception as exc:  # noqa: BLE001 - tables not migrated yet (the desk is optional): no section
        return {"available": False, "reason": type(exc).__name__}
    if not current["rows"] and not previous["rows"]:
        return None
    partners = volumes(db_url, by="partner", year=year)
    return {"available": True, "by_buc": current, "previous": previous, "by_partner": partners,
            "purposes": _purposes([r["key"] for r in current["rows"]])}


def _purposes(bucs: list[str]) -> dict[str, str]:
    from eessi.catalogue import CatalogueError
    from eessi.service import catalogue_for
    from liaison.settings import get_settings

    try:
        catalogue = catalogue_for(get_settings().eessi_catalogue_path)
    except (CatalogueError, OSError):
        return {}
    return {b: catalogue.bucs[b].purpose for b in bucs if b in catalogue.bucs}


def _days(value) -> str:
    return fmt.DASH if value is None else f"{value:.1f}"


def section(num, year: int, data: dict[str, Any] | None):
    from reports.report import Paragraph, Section

    if not data:
        return None
    out = Section(SECTION_ID, "Electronic exchange (EESSI)")
    if not data.get("available"):
        out.blocks.append(Paragraph(f"Not available: {data.get('reason', 'no exchange data')}.", "note"))
        return out
    cur, prev = data["by_buc"], data["previous"]
    if cur["synthetic"]:
        out.blocks.append(Paragraph("The exchange counts below are SYNTHETIC demonstration data, not official "
                                    "statistics.", "warning"))
    if not cur["rows"]:
        out.blocks.append(Paragraph(f"No EESSI exchange count was imported for {year}.", "note"))
        return out
    total = cur["total"]
    text = (f"In {year}, French institutions sent {fmt.count(total['sent'])} structured electronic documents (SEDs) "
            f"and received {fmt.count(total['received'])} through EESSI, in {len(cur['rows'])} business use cases. ")
    if total["answered"]:
        text += (f"{fmt.count(total['answered'])} requests were answered"
                 + (f", after {_days(total['mean_response_days'])} days on average" if total["mean_response_days"]
                    is not None else "") + ". ")
    if cur.get("open_as_of"):
        text += f"{fmt.count(total['open'])} exchanges were still awaiting an answer at the end of {cur['open_as_of']}."
    out.blocks.append(Paragraph(text.strip()))
    if prev["rows"]:
        before = prev["total"]["sent"] + prev["total"]["received"]
        now = total["sent"] + total["received"]
        change = f"{(now - before) / before * 100:+.1f}%".replace("-", fmt.MINUS) if before else fmt.DASH
        out.blocks.append(Paragraph(f"SEDs exchanged in {year - 1}: {fmt.count(before)} ({change} in {year})."))
    purposes = data.get("purposes", {})
    rows = [[r["key"], purposes.get(r["key"], ""), fmt.count(r["sent"]), fmt.count(r["received"]),
             fmt.count(r["answered"]), _days(r["mean_response_days"]), fmt.count(r["open"])] for r in cur["rows"][:TOP]]
    rows.append(["Total", "", fmt.count(total["sent"]), fmt.count(total["received"]), fmt.count(total["answered"]),
                 _days(total["mean_response_days"]), fmt.count(total["open"])])
    out.blocks.append(num.table(
        f"EESSI exchanges by business use case, {year}" + (f" (first {TOP})" if len(cur["rows"]) > TOP else ""),
        ["BUC", "Purpose", "Sent", "Received", "Answered", "Mean days to answer", f"Open ({cur['open_as_of']})"],
        rows, [False, False, True, True, True, True, True],
        note="Open exchanges are counted at the end of the last month with data. BUC purposes come from the EESSI "
             "reference catalogue (public sources; check the official catalogue).", total_row=True))
    partners = data["by_partner"]
    prow = [[r["label"], fmt.count(r["sent"]), fmt.count(r["received"]), fmt.count(r["answered"]),
             _days(r["mean_response_days"])] for r in partners["rows"][:TOP]]
    out.blocks.append(num.table(f"EESSI exchanges by partner state, {year}" +
                                (f" (first {TOP})" if len(partners["rows"]) > TOP else ""),
                                ["Partner", "Sent", "Received", "Answered", "Mean days to answer"], prow,
                                [False, True, True, True, True]))
    return out
