"""Synthetic demonstration exchange counts, clearly labelled, so the monitoring view and the report's
exchange section can be seen on a fresh machine. The file goes through the ordinary import (same
validation); the institution says SYNTHETIC and every line is stored with synthetic=True. Values come from a
seeded generator: the same year gives the same file, so a second run changes nothing."""
from __future__ import annotations

import csv
import io
import random

DEMO_INSTITUTION = "SYNTHETIC EESSI access point (demo data)"
# (BUC, opening SED, its replies, relative weight): real pairs of the catalogue (LA_BUC_01: an A001 is
# answered by a refusal A002 or an acceptance A011).
FLOWS = (
    ("LA_BUC_04", "A009", (), 30), ("LA_BUC_01", "A001", ("A011", "A002"), 9),
    ("LA_BUC_02", "A003", ("A004",), 8), ("LA_BUC_06", "A005", ("A006",), 4), ("S_BUC_24", "S040", ("S041",), 6),
    ("P_BUC_01", "P2000", ("P5000",), 10), ("H_BUC_01", "H001", ("H002",), 9), ("FB_BUC_01", "F001", ("F002",), 7),
    ("UB_BUC_01", "U001", ("U002",), 5),
)
PARTNERS = {"DE": 10, "BE": 9, "CH": 9, "LU": 8, "ES": 7, "IT": 6, "PT": 6, "GB": 5, "NL": 3, "PL": 3}


def demo_file(year: int) -> bytes:
    rng = random.Random(f"liaison-eessi-demo-{year}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "buc", "sed", "partner", "direction", "count", "answered", "response_days", "open"])
    for month in range(1, 13):
        for buc, opener, replies, weight in FLOWS:
            for partner, pweight in PARTNERS.items():
                for direction in ("sent", "received"):
                    count = int(weight * pweight * rng.uniform(0.3, 1.2) * (1.3 if direction == "sent" else 0.8))
                    if count == 0:
                        continue
                    answered = int(count * rng.uniform(0.6, 0.95)) if replies else 0
                    days = f"{rng.uniform(5, 60):.1f}" if answered else ""
                    still_open = max(0, int((count - answered) * rng.uniform(0.3, 0.9))) if replies else 0
                    writer.writerow([f"{year}-{month:02d}", buc, opener, partner, direction, count, answered, days,
                                     still_open])
                    back = "received" if direction == "sent" else "sent"
                    left = answered
                    for i, reply in enumerate(replies):  # the answers travel the other way
                        share = left if i == len(replies) - 1 else int(answered * rng.uniform(0.6, 0.85))
                        left -= share
                        if share:
                            writer.writerow([f"{year}-{month:02d}", buc, reply, partner, back, share, 0, "", 0])
    return out.getvalue().encode("utf-8")


def import_demo_counts(settings, db_url: str, year: int) -> str:
    from eessi.counts import import_counts

    result = import_counts(settings, db_url, demo_file(year), filename=f"eessi-demo-{year}.csv",
                           institution=DEMO_INSTITUTION, submitted_by="demo", synthetic=True)
    state = "unchanged" if result.duplicate else "imported"
    return f"SYNTHETIC EESSI exchange counts {year}: {state} ({result.lines} lines)"


def prepare(settings) -> str:
    from liaison.db import migrate

    url = settings.resolved_database_url
    migrate(url)
    return "; ".join(import_demo_counts(settings, url, year) for year in settings.reports_demo_years)
