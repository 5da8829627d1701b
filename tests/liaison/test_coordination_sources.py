"""Every fact of the coordination model has a source: each held source's quote is in the cited file
(or the cited table cell / CSS article), and every date a row states is the date its quote gives.
Sources not held (EU regulations) must name an official reference and are flagged as not held."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from liaison.coordination import load_places, load_rules
from tests.intake.test_rules_sources import legi_article, norm, table_cell

pytestmark = pytest.mark.unit

MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
FR_MONTHS = {m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                         "septembre", "octobre", "novembre", "décembre"], 1)}
AGREEMENTS = load_rules().agreements
PLACES = load_places()
SOURCES = [(a.family, a, s) for a in AGREEMENTS for s in a.sources]
PLACE_SOURCES = ([(f"group:{g.code}", g.source) for g in PLACES.groups.values()]
                 + [(f"territory:{t.code}", t.source) for t in PLACES.territories.values()]
                 + [(f"territory-eu:{t.code}", t.eu_source) for t in PLACES.territories.values() if t.eu_source]
                 + [(f"state:{c}", _s) for c, e in PLACES.extra_states.items() for _s in [e["source"]]])


def dates_in(text: str) -> list[dt.date]:
    out = [dt.date(int(y), MONTHS[m.lower()[:3]], int(d))
           for d, m, y in re.findall(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})", text)]
    out += [dt.date(int(y), FR_MONTHS[m], int(d))
            for d, m, y in re.findall(r"\b(\d{1,2}) (" + "|".join(FR_MONTHS) + r") (\d{4})", text)]
    return out


def evidence_text(shared_corpus, src) -> str:
    path = shared_corpus / src.path
    assert path.is_file(), f"source file missing: {src.path}"
    if path.suffix == ".json":
        return legi_article(path, src.ref)
    text = path.read_text(encoding="utf-8")
    return table_cell(text, src.table_row, src.column) if src.table_row else text


def check_source(shared_corpus, label, src) -> str | None:
    if not src.held:
        assert src.ref, f"{label}: a source not held must name its official reference"
        return None
    text = evidence_text(shared_corpus, src)
    assert src.quote, f"{label}: a held source must quote the fact"
    assert norm(src.quote) in norm(text), f"{label}: {src.quote!r} not in {src.path} {src.table_row or src.ref}"
    return src.quote


@pytest.mark.parametrize("family,agreement,src", SOURCES, ids=[f"{f}#{i}" for i, (f, _, _) in enumerate(SOURCES)])
def test_agreement_source_states_the_fact(shared_corpus, family, agreement, src):
    quote = check_source(shared_corpus, family, src)
    if quote is None:
        return
    found = dates_in(quote)
    if src.evidences == "signed" and agreement.signed:
        assert agreement.signed in found, f"{family}: signed {agreement.signed} not in {quote!r}"
    elif src.evidences == "in_force_from":
        found += [dt.date(int(y), 1, 1) for y in re.findall(r"from (\d{4}) onwards", quote)]
        assert agreement.in_force_from in found, f"{family}: in force {agreement.in_force_from} not in {quote!r}"
    elif src.evidences == "in_force_to":
        # The quote gives the day the replacing text took effect, or "before <year>".
        if found:
            assert agreement.in_force_to + dt.timedelta(days=1) in found, family
        else:
            year = re.search(r"before (\d{4})", quote)
            assert year and agreement.in_force_to == dt.date(int(year.group(1)), 1, 1) - dt.timedelta(days=1), family
    elif src.evidences == "nationality" and isinstance(agreement.nationality, tuple):
        assert agreement.nationality_text and norm(agreement.nationality_text) == norm(quote) or \
            norm(quote) in norm(agreement.nationality_text) or "any" in norm(quote), family


def test_every_stated_date_has_a_source():
    for a in AGREEMENTS:
        evid = {s.evidences for s in a.sources}
        for field in ("signed", "in_force_from", "in_force_to"):
            if getattr(a, field):
                assert field in evid or (field == "signed" and "exists" in evid), f"{a.family}: {field} without a source"
        if a.repost_gap_months:
            assert "repost_gap" in evid, f"{a.family}: re-posting gap without a source"


@pytest.mark.parametrize("label,src", PLACE_SOURCES, ids=[label for label, _ in PLACE_SOURCES])
def test_place_source_states_the_fact(shared_corpus, label, src):
    check_source(shared_corpus, label, src)


def test_posting_rows_belong_to_an_agreement():
    rules = load_rules()
    families = {a.family for a in rules.agreements}
    assert all(row.family in families for row in rules.instruments)
    # The full list: every partner state named by the CLEISS pages table is covered by an instrument.
    partners = set().union(*(a.partner_codes() for a in rules.agreements if "*" not in a.partners))
    for code in ("DZ", "AD", "AR", "BJ", "BA", "BR", "CM", "CA", "QC", "CV", "CL", "CN", "CG", "KR", "CI", "US", "GA",
                 "GG", "IN", "IL", "JP", "XK", "MG", "ML", "MA", "MR", "MC", "SN", "TN", "TR", "UY", "SM", "RS", "GB",
                 "PM", "AU", "JE", "MK", "ME", "NE", "PH", "TG"):
        assert code in partners, code
