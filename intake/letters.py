"""Decision letters in French and English, as HTML (template `intake/web/templates/letter.html`)
and PDF (WeasyPrint). The letter states the decision, the period, the conditions and the legal
basis with its article references."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from intake.countries import country_name
from intake.messages import CASE_TYPE_LABELS, PERSON_STATUS_LABELS, pick

TEMPLATES = Path(__file__).resolve().parent / "web" / "templates"

TEXT = {
    "fr": {
        "title": "Décision", "colon": " :", "draft": "PROJET — décision non encore approuvée", "ref": "Référence",
        "date": "Date", "subject": "Objet", "dear": "Madame, Monsieur,",
        "accepted": "Votre demande est acceptée.", "refused": "Votre demande est refusée.",
        "period": "Période", "from": "du", "to": "au", "conditions": "Conditions",
        "legal_basis": "Base légale", "reasons": "Motifs", "instrument": "Instrument applicable",
        "articles": "Références", "person": "Personne concernée", "employer": "Employeur",
        "states": "États ou territoires", "status": "Statut", "signed": "Décision approuvée par",
        "proposed": "Proposée par", "appeal": "Cette décision peut faire l'objet d'un recours dans un délai de deux mois "
        "à compter de sa notification.", "closing": "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "route_exception": "Demande traitée comme une dérogation (durée supérieure à la durée maximale).",
    },
    "en": {
        "title": "Decision", "colon": ":", "draft": "DRAFT — decision not yet approved", "ref": "Reference", "date": "Date",
        "subject": "Subject", "dear": "Dear Sir or Madam,", "accepted": "Your request is accepted.",
        "refused": "Your request is refused.", "period": "Period", "from": "from", "to": "to",
        "conditions": "Conditions", "legal_basis": "Legal basis", "reasons": "Reasons",
        "instrument": "Applicable instrument", "articles": "References", "person": "Person concerned",
        "employer": "Employer", "states": "States or territories", "status": "Status",
        "signed": "Decision approved by", "proposed": "Proposed by",
        "appeal": "This decision may be appealed within two months of its notification.",
        "closing": "Yours faithfully,",
        "route_exception": "Request handled as an exception (duration beyond the maximum).",
    },
}


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


def _date(value: Any, lang: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def render_html(view: dict[str, Any], proposal: dict[str, Any], *, lang: str, draft: bool, settings=None) -> str:
    from intake.rules import load_rules

    t = TEXT[lang]
    form = view.get("form") or {}
    person = form.get("person") or {}
    decision = view.get("decision") or ("accepted" if proposal.get("decision") == "accept" else "refused")
    instrument = load_rules().get(view.get("instrument_id") or "") if view.get("instrument_id") else None
    articles = []
    if instrument:
        seen = set()
        for src in instrument.sources:
            if src.path.startswith("facts/"):
                continue  # fact tables are where the row was read, not a legal reference to cite
            if src.article not in seen:
                seen.add(src.article)
                articles.append(src.article)
    return _env().get_template("letter.html").render(
        t=t, lang=lang, draft=draft, view=view, decision=decision, proposal=proposal,
        person_name=" ".join(x for x in (person.get("first_name"), person.get("last_name")) if x),
        employer=form.get("employer") or {},
        case_type=pick(CASE_TYPE_LABELS[view["case_type"]], lang),
        person_status=pick(PERSON_STATUS_LABELS.get(view.get("person_status") or "", ("", "")), lang),
        home=country_name(view.get("home_country") or "", lang), work=country_name(view.get("work_country") or "", lang),
        period_start=_date(proposal.get("period_start"), lang), period_end=_date(proposal.get("period_end"), lang),
        issued=_date(view.get("decided_at") or dt.date.today(), lang),
        instrument=instrument.name(lang) if instrument else None, articles=articles,
        legal_basis=proposal.get("legal_basis") or view.get("legal_basis") or "",
        approved_by=view.get("decided_by") or "", proposed_by=view.get("proposed_by") or "",
        centre=getattr(settings, "public_base_url", ""),
    )


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
