"""Open data: sums over institutions and breakdowns, small cells suppressed with the amounts tied to them."""
from __future__ import annotations

import csv
import io
import json

import pytest

from reports.opendata import COLUMNS, export_csv, export_json
from reports.returns import import_return
from tests.reports.helpers import csv_bytes, row

pytestmark = pytest.mark.integration


def test_aggregates_without_institutions_or_breakdowns_and_small_cells_suppressed(settings, db_url):
    def send(institution, rows):
        result = import_return(settings, db_url, csv_bytes(rows), filename="r.csv", institution=institution,
                               year=2025, branch="health")
        assert result.status == "current", result.errors

    send("CPAM Est", [row("DE", 40, "healthcare_claims", breakdown="batch A"),
                      row("DE", 2, "healthcare_claims", breakdown="batch B"),
                      row("DE", "12000.50", "healthcare_claims_amount", "EUR"),
                      row("MT", 3, "healthcare_claims"), row("MT", "999.99", "healthcare_claims_amount", "EUR")])
    send("CPAM Ouest", [row("DE", 8, "healthcare_claims"), row("MT", 0, "persons_registered_healthcare")])

    data = json.loads(export_json(db_url, 2025, threshold=5))
    got = {(r["partner"], r["indicator"]): (r["value"], r["suppressed"]) for r in data["rows"]}
    assert got == {
        ("DE", "healthcare_claims"): (50, False),          # 40 + 2 (breakdowns) + 8 (other institution)
        ("DE", "healthcare_claims_amount"): (12000.5, False),
        ("MT", "healthcare_claims"): (None, True),          # 3 claims: too few to publish
        ("MT", "healthcare_claims_amount"): (None, True),   # ... nor their amount
        ("MT", "persons_registered_healthcare"): (0, False),  # zero singles nobody out
    }
    text = export_csv(db_url, 2025, threshold=5).decode("utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == COLUMNS and len(table) == 5
    assert "CPAM" not in text and "batch" not in text and "CPAM" not in json.dumps(data)
    mt = next(r for r in table if r["partner"] == "MT" and r["indicator"] == "healthcare_claims")
    assert (mt["value"], mt["suppressed"], mt["partner_name"]) == ("", "true", "Malta")
