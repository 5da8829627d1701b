"""The deciding function: which instrument governs a posting between two places on a date, its
maximum, whether the period fits it, who issues or decides, and what to do next.

Order of the decision (each step names its text): both places under the French general schemes ->
nothing to decide; a French territory with its own scheme -> the territorial text (or an agent where
none is held); a foreign state -> the instrument in force on the start date (EU/EEA/Swiss
coordination, the UK texts, every bilateral agreement); only where none applies, CSS L761-2/R761-1
and, beyond its 72 months, voluntary insurance with the CFE (L762-1). An instrument whose posting
terms are not held is named as applying and routed to an agent: it never falls back to L761-2.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from liaison.coordination import places
from liaison.coordination.instruments import (
    NATIONALITY_GROUPS, STATUSES, Agreement, Instrument, RulesError, RulesTable, load_rules,
)

CHECK_THE_AGREEMENT = {"en": "check the agreement", "fr": "vérifier l'accord"}
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)
MAX_PERIOD_MONTHS = 120
L761_2 = "fr-css-l761-2"
EU = "eu-883-2004"
STATUS_ALIASES = {"self-employed": "self_employed", "selfemployed": "self_employed", "civil-servant": "civil_servant",
                  "flight-crew": "flight_crew", "salarie": "employed", "salarié": "employed"}


# ---- dates ---------------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end_inclusive: dt.date) -> float:
    """Length of [start, end] in months (end date included), one decimal: 2026-01-01..2028-06-30 = 30.0."""
    if end_inclusive < start:
        return 0.0
    stop = end_inclusive + dt.timedelta(days=1)
    full = (stop.year - start.year) * 12 + (stop.month - start.month)
    if add_months(start, full) > stop:
        full -= 1
    anchor = add_months(start, full)
    rest = (stop - anchor).days
    if rest == 0:
        return float(full)
    span = (add_months(start, full + 1) - anchor).days
    return round(full + rest / span, 1)


# ---- result --------------------------------------------------------------------------------------

@dataclass
class Applicability:
    home: str
    work: str
    status: str
    nationality: str | None
    direction: str  # outbound (continuation of French affiliation) | inbound (exemption) | none
    start: dt.date
    end: dt.date
    instrument: dict[str, Any] | None
    max_months: int | None
    max_end: dt.date | None
    requested_months: float
    previous_months: float
    total_months: float
    exceeds_max: bool
    route: str
    extension: dict[str, Any] | None
    check_the_agreement: bool
    requirements: list[str]
    notes: list[str]
    sources: list[dict[str, Any]]
    other_instruments: list[dict[str, Any]]
    legal_basis: str = ""
    handled_by: dict[str, Any] | None = None
    terms_known: bool = False
    next_steps: list[str] = field(default_factory=list)
    chained: bool | None = None
    previous_end: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("start", "end", "max_end", "previous_end"):
            d[key] = d[key].isoformat() if d[key] else None
        return d


def _tr(lang: str, en: str, fr: str) -> str:
    return fr if lang == "fr" else en


_REQ = {
    "base_out": {
        "en": ["employer identity and SIRET", "worker identity and NIR", "host state, host entity and place of work, requested period",
               "previous postings of the worker", "posting letter or employment contract (attachment)"],
        "fr": ["identité et SIRET de l'employeur", "identité et NIR du travailleur", "État d'accueil, entité d'accueil et lieu de travail, période demandée",
               "détachements antérieurs du travailleur", "lettre de détachement ou contrat de travail (pièce jointe)"],
    },
    "base_in": {
        "en": ["worker identity", "employer (foreign employer: its registration in its state; a French SIRET only if it has one)",
               "foreign coverage evidence (certificate, attachment)", "period"],
        "fr": ["identité du travailleur", "employeur (employeur étranger : son immatriculation dans son État ; un SIRET seulement s'il en a un)",
               "justificatif de couverture étrangère (certificat, pièce jointe)", "période"],
    },
    "l761_2": {
        "en": ["employer's undertaking to pay all contributions due (CSS L761-2, R761-2)"],
        "fr": ["engagement de l'employeur de s'acquitter de l'intégralité des cotisations dues (CSS L761-2, R761-2)"],
    },
    "exception": {
        "en": ["reasons for exceeding the maximum duration", "agreement of: {agreement_by}",
               "request made, save exceptional circumstances, within three months before the end of the initial mission (CSS R761-2)"],
        "fr": ["motifs du dépassement de la durée maximale", "accord de : {agreement_by}",
               "demande faite, sauf circonstances exceptionnelles, dans les trois mois précédant la fin de la mission initiale (CSS R761-2)"],
    },
}


def _req(key: str, lang: str, **kw) -> list[str]:
    return [s.format(**kw) for s in _REQ[key]["fr" if lang == "fr" else "en"]]


# ---- input ---------------------------------------------------------------------------------------

def normalise_status(status: str) -> str:
    value = (status or "").strip().lower()
    value = STATUS_ALIASES.get(value, value)
    if value not in STATUSES:
        raise RulesError(f"status {status!r} not allowed; allowed: {', '.join(STATUSES)} (self-employed also accepted)")
    return value


def _norm_place(value: str, label: str) -> str:
    code = (value or "").strip().upper()
    if not places.is_place(code):
        raise RulesError(f"{label}: {value!r} is not an ISO 3166-1 alpha-2 country or territory code (e.g. FR, DE, NC)")
    return code


def _check_date(day: dt.date, label: str) -> None:
    if not (EARLIEST <= day <= LATEST):
        raise RulesError(f"{label} date {day.isoformat()} is outside {EARLIEST.year}-{LATEST.year}: check the date")


# ---- the decision --------------------------------------------------------------------------------

def _instrument_summary(row: Instrument | None, ag: Agreement, lang: str) -> dict[str, Any]:
    base = row.summary(lang) if row else {
        "id": ag.family, "family": ag.family, "kind": ag.kind, "name": ag.name(lang),
        "legal_reference": ag.derogation or ag.name(lang), "form": ag.forms, "in_force": not ag.historical,
        "verified_as_of": "",
    }
    if row and ag.family != row.family:  # terms borrowed (UK Withdrawal Agreement -> EU rows)
        base.update(id=f"{ag.family}:{row.id}", family=ag.family, kind=ag.kind, name=ag.name(lang))
    base.update(
        in_force_from=ag.in_force_from.isoformat() if ag.in_force_from else None,
        in_force_to=ag.in_force_to.isoformat() if ag.in_force_to else None,
        signed=ag.signed.isoformat() if ag.signed else None,
        nationality_condition=ag.nationality_text or (ag.nationality if isinstance(ag.nationality, str) else "/".join(ag.nationality)),
        issued_by=ag.issued_by, derogation=ag.derogation, forms=ag.forms,
    )
    return base


def _agreement_sources(ag: Agreement, lang: str) -> list[dict[str, Any]]:
    out = []
    for s in ag.sources:
        if s.held:
            where = f"table row {s.table_row!r}, column {s.column!r}" if s.table_row else (s.ref or s.path.rsplit("/", 1)[-1])
            out.append({"instrument": ag.name(lang), "article": where, "root": "shared",
                        "path": s.path, "ref": s.ref or s.path.rsplit("/", 1)[-1], "evidences": s.evidences})
        else:
            out.append({"instrument": ag.name(lang), "article": s.ref, "root": "external", "path": "", "ref": s.ref,
                        "url": s.url, "evidences": s.evidences, "held": False})
    return out


def _nationality_ok(ag: Agreement, nationality: str | None, group: str | None, other: str, day: dt.date) -> bool | None:
    """True/False when the condition can be decided, None when unknown (not seen, or only a group given)."""
    rule = ag.nationality
    if rule == "any" or not (nationality or group):
        return True if rule == "any" else None
    if rule == "eu":
        if group in ("fr", "eu"):
            return True
        if ag.family == EU and other in places.group_members("EU_1231", day) and day >= dt.date(2011, 1, 1):
            return True  # Regulation 1231/2010 (third-country nationals legally resident)
        return False
    if isinstance(rule, tuple):
        if nationality and len(nationality) == 2:
            return nationality in rule
        if group == "fr":
            return "FR" in rule
        return None
    return None


def _in_force(a: Agreement, rules: RulesTable, other: str, french_side: str, outbound: bool, day: dt.date) -> bool:
    if not a.in_force_on(day):
        return False
    if a.until_replaced_by:  # e.g. Regulation 1408/71 until the state's Regulation 883/2004 date
        successor = rules.agreement(a.until_replaced_by)
        return not (successor and successor.covers(other, french_side, outbound, day))
    return True


def _pick(candidates: list[Agreement], rules: RulesTable, end: dt.date) -> Agreement | None:
    def has_rows(a: Agreement) -> bool:
        return bool(rules.rows(a.terms_from or a.family))
    # A UK posting begun before 2021 and running into 2021 is the Withdrawal Agreement's case.
    spans_brexit = any(a.family == "uk-withdrawal-agreement" and a.in_force_to and end > a.in_force_to for a in candidates)
    ordered = sorted(candidates, key=lambda a: (not (spans_brexit and a.family == "uk-withdrawal-agreement"),
                                                a.family == "bilateral-unlisted", not has_rows(a)))
    return ordered[0] if ordered else None


def applicable(
    home: str,
    work: str,
    status: str,
    start: dt.date,
    end: dt.date,
    *,
    nationality: str | None = None,
    previous_months: float = 0.0,
    previous_end: dt.date | None = None,
    lang: str = "en",
    rules: RulesTable | None = None,
) -> Applicability:
    """The instrument governing a posting from `home` (state or territory of usual work and
    affiliation) to `work` for the period [start, end].

    `previous_months`: months of an earlier posting of the same worker to the same state;
    `previous_end`: the day it ended. With `previous_end`, the instrument's re-posting gap decides
    whether the two periods are one posting (Decision A2: under two months' gap) or two.
    """
    rules = rules or load_rules()
    home = _norm_place(home, "home")
    work = _norm_place(work, "work")
    if home == work:
        raise RulesError("home and work must be different states or territories")
    status = normalise_status(status)
    _check_date(start, "start")
    _check_date(end, "end")
    if end < start:
        raise RulesError("end date must not be before start date")
    requested = months_between(start, end)
    if requested > MAX_PERIOD_MONTHS:
        raise RulesError(f"the period lasts {requested} months; a posting question covers at most "
                         f"{MAX_PERIOD_MONTHS // 12} years: check the dates")
    if previous_months < 0 or previous_months > MAX_PERIOD_MONTHS:
        raise RulesError(f"previous_months must be between 0 and {MAX_PERIOD_MONTHS}")
    if previous_end is not None:
        _check_date(previous_end, "previous posting end")
        if previous_end >= start:
            raise RulesError("the previous posting must end before the new one starts")
    group = None
    if nationality:
        nat = nationality.strip()
        if nat.lower() in NATIONALITY_GROUPS:
            group, nationality = nat.lower(), None
        else:
            nationality = _norm_place(nat, "nationality")
            group = places.nationality_group(nationality, start)

    notes: list[str] = []
    result = Applicability(
        home=home, work=work, status=status, nationality=group, direction="none", start=start, end=end,
        instrument=None, max_months=None, max_end=None, requested_months=requested,
        previous_months=previous_months, total_months=round(requested + previous_months, 1), exceeds_max=False,
        route="not_applicable", extension=None, check_the_agreement=False, requirements=[], notes=notes, sources=[],
        other_instruments=[], previous_end=previous_end,
    )
    home_t, work_t = places.territory(home), places.territory(work)
    general = places.france_general()

    if home_t and work_t:  # both French places
        if home in general and work in general:
            notes.append(_tr(lang, "Both places apply the general French schemes: no posting instrument is needed.",
                             "Les deux lieux relèvent des régimes français généraux : aucun instrument de détachement n'est nécessaire."))
            result.handled_by = _handled("none", lang)
            result.terms_known = True
            result.legal_basis = "CSS art. R111-2 (residence in France: metropolitan France, overseas departments, Saint-Barthélemy, Saint-Martin)"
            result.next_steps = [_tr(lang, "No formality: the French general schemes cover both places.",
                                     "Aucune formalité : les régimes français généraux couvrent les deux lieux.")]
            return result
        if home in general or work in general:
            outbound = home in general
            french_side, other = (home, work) if outbound else (work, home)
        else:
            return _agent(result, None, lang, _tr(
                lang, f"{places.place_name(home)} and {places.place_name(work)} have their own schemes; no coordination text between them is in the knowledge base.",
                f"{places.place_name(home, 'fr')} et {places.place_name(work, 'fr')} ont leurs propres régimes ; aucun texte de coordination entre eux n'est dans la base de connaissances."))
    elif home_t or work_t:
        outbound = bool(home_t)
        french_side, other = (home, work) if outbound else (work, home)
    else:
        notes.append(_tr(lang, "Neither place is metropolitan France or an overseas department: French affiliation is not in question.",
                         "Aucun des deux lieux n'est la France métropolitaine ou un département d'outre-mer : l'affiliation française n'est pas en cause."))
        result.handled_by = _handled("foreign_institution", lang)
        return result
    result.direction = "outbound" if outbound else "inbound"

    candidates = rules.agreements_for(other, french_side, outbound, start)
    live = [a for a in candidates if _in_force(a, rules, other, french_side, outbound, start)]
    for hist in (a for a in candidates if a not in live and a.kind != "eu_regulation"):
        if hist.family not in {o["family"] for o in result.other_instruments}:
            result.other_instruments.append(_instrument_summary(None, hist, lang))
            kind = "Historical text, not applied here" if hist.historical or (hist.in_force_to and start > hist.in_force_to) \
                else "Not in force on the start date"
            kind_fr = "Texte historique, non appliqué ici" if kind.startswith("Historical") else "Pas en vigueur à la date de début"
            notes.append(_tr(lang, f"{kind}: {hist.name(lang)}.", f"{kind_fr} : {hist.name(lang)}."))
    ag = _pick(live, rules, end)

    if ag is None:
        return _no_instrument(result, rules, french_side, other, outbound, status, lang, start)

    if ag.in_force_unknown:
        notes.append(_tr(lang, f"The date from which the {ag.name(lang)} is in force is not in the knowledge base.",
                         f"La date d'entrée en vigueur de : {ag.name(lang)} n'est pas dans la base de connaissances."))
    if ag.in_force_to and end > ag.in_force_to and ag.family != "uk-withdrawal-agreement":
        notes.append(_tr(lang, f"The {ag.name(lang)} ceases to apply on {ag.in_force_to.isoformat()}, during the period: the instrument that replaces it governs the rest.",
                         f"{ag.name(lang)} cesse de s'appliquer le {ag.in_force_to.isoformat()}, pendant la période : l'instrument qui le remplace régit la suite."))
    if ag.family == "uk-withdrawal-agreement" and end > ag.in_force_to:
        notes.append(_tr(lang, "A posting begun before 2021 stays under the EU rules as long as it continues without interruption (Withdrawal Agreement).",
                         "Un détachement commencé avant 2021 reste soumis aux règles européennes tant qu'il se poursuit sans interruption (accord de retrait)."))
    result.sources.extend(_agreement_sources(ag, lang))

    ok = _nationality_ok(ag, nationality, group, other, start)
    if ok is False:
        result.instrument = _instrument_summary(None, ag, lang)
        return _agent(result, ag, lang, _tr(
            lang, f"The {ag.name(lang)} covers: {ag.nationality_text or ag.nationality}. The nationality given does not meet that condition; an agent checks which rules apply.",
            f"{ag.name(lang)} couvre : {ag.nationality_text or ag.nationality}. La nationalité indiquée ne remplit pas cette condition ; un agent vérifie les règles applicables."))
    if ok is None and ag.nationality not in ("any", "not_seen") and (nationality or group):
        result.check_the_agreement = True
        notes.append(_tr(lang, f"Nationality condition of the instrument: {ag.nationality_text or ag.nationality}.",
                         f"Condition de nationalité de l'instrument : {ag.nationality_text or ag.nationality}."))
    if ok and ag.family == EU and group == "third":
        notes.append(_tr(lang, "Third-country national: covered by Regulation (EU) No 1231/2010 while legally resident in the EU (not for Denmark, the EEA states or Switzerland).",
                         "Ressortissant d'un État tiers : couvert par le règlement (UE) n° 1231/2010 s'il réside légalement dans l'UE (pas pour le Danemark, les États de l'EEE ni la Suisse)."))
        result.legal_basis = "Regulation (EU) No 1231/2010"

    special = _special_status(result, ag, status, lang)
    if special is not None:
        return special

    terms_family = ag.terms_from or ag.family
    row = next((i for i in rules.rows(terms_family) if i.status == status), None)
    if row is None:
        result.instrument = _instrument_summary(None, ag, lang)
        label = places.place_name(other, lang)
        return _agent(result, ag, lang, _tr(
            lang, f"The {ag.name(lang)} applies to {label}; its posting terms for this status ({status}) are not in the knowledge base.",
            f"{ag.name(lang)} s'applique pour {label} ; ses conditions de détachement pour ce statut ({status}) ne sont pas dans la base de connaissances."),
            requirements=_req("base_out" if outbound else "base_in", lang))
    return _with_terms(result, ag, row, outbound, previous_months, previous_end, lang, other)


def _handled(code: str, lang: str, bodies: str = "", detail: str = "") -> dict[str, Any]:
    texts = {
        "none": ("No body: nothing to apply for.", "Aucun organisme : rien à demander."),
        "issuing_body": (f"Issued by {bodies}: the employer applies there, not to the centre.",
                         f"Délivré par {bodies} : l'employeur s'adresse à cet organisme, pas au centre."),
        "centre": ("The centre (CLEISS) handles this request" + (f" ({detail})" if detail else "") + ".",
                   "Le centre (CLEISS) traite cette demande" + (f" ({detail})" if detail else "") + "."),
        "foreign_institution": ("The institution of the state of usual work issues the posting certificate.",
                                "L'institution de l'État de travail habituel délivre le certificat de détachement."),
        "cfe": ("Caisse des Français de l'étranger (voluntary insurance, CSS L762-1).",
                "Caisse des Français de l'étranger (assurance volontaire, CSS L762-1)."),
    }
    en, fr = texts[code]
    return {"code": code, "bodies": bodies or None, "centre": code == "centre", "text": fr if lang == "fr" else en}


def _agent(result: Applicability, ag: Agreement | None, lang: str, message: str,
           requirements: list[str] | None = None) -> Applicability:
    result.route = "check"
    result.check_the_agreement = True
    result.terms_known = False
    result.notes.append(message)
    result.requirements = requirements or _req("base_out" if result.direction != "inbound" else "base_in", lang)
    result.handled_by = _handled("centre", lang, detail=_tr(lang, "an agent checks the text", "un agent vérifie le texte"))
    if ag and not result.legal_basis:
        result.legal_basis = ag.name(lang)
    result.next_steps = [_tr(lang, "Send the request to the centre: an agent checks the applicable text and replies; no certificate can be issued on the knowledge base alone.",
                             "Adressez la demande au centre : un agent vérifie le texte applicable et répond ; aucun certificat ne peut être délivré sur la seule base de connaissances.")]
    return result


def _special_status(result: Applicability, ag: Agreement, status: str, lang: str) -> Applicability | None:
    """Statuses the EU texts treat apart: civil servants (art. 11(3)(b)), seafarers (11(4)), flight
    crew (11(5)), students (no posting: not a work activity)."""
    if status in ("employed", "self_employed"):
        return None
    eu_like = ag.family == EU or ag.terms_from == EU
    if eu_like and status == "civil_servant":
        result.instrument = _instrument_summary(None, ag, lang)
        result.legal_basis = "Regulation (EC) No 883/2004, art. 11(3)(b)"
        result.route = "standard"
        result.terms_known = True
        result.handled_by = _handled("issuing_body", lang, bodies=_tr(lang, "the employing administration's institution", "l'institution de l'administration employeur"))
        result.notes.append(_tr(lang, "A civil servant stays subject to the legislation of the state of the employing administration, without a time limit (Regulation 883/2004, art. 11(3)(b); text not held in the knowledge base: official journal OJ L 166, 30.4.2004).",
                                "Le fonctionnaire reste soumis à la législation de l'État dont relève l'administration qui l'emploie, sans limite de durée (règlement 883/2004, art. 11(3)(b) ; texte absent de la base de connaissances : JO L 166 du 30.4.2004)."))
        result.next_steps = [_tr(lang, "The employing administration asks its institution for the A1 certificate.",
                                 "L'administration employeur demande le certificat A1 à son institution.")]
        result.sources.append({"instrument": ag.name(lang), "article": "Regulation (EC) No 883/2004, art. 11(3)(b)", "root": "external",
                               "path": "", "ref": "art. 11(3)(b)", "url": "https://eur-lex.europa.eu/eli/reg/2004/883/oj",
                               "evidences": "scope", "held": False})
        return result
    if eu_like and status in ("seafarer", "flight_crew", "student"):
        basis = {"seafarer": "Regulation (EC) No 883/2004, art. 11(4) (flag state) and art. 12 where posted",
                 "flight_crew": "Regulation (EC) No 883/2004, art. 11(5) (home base)",
                 "student": "Regulation (EC) No 883/2004, art. 11(3)(e) (no activity: state of residence)"}[status]
        result.instrument = _instrument_summary(None, ag, lang)
        result.legal_basis = basis
        return _agent(result, ag, lang, _tr(lang, f"This status follows its own rule, not the posting rule: {basis}. The text is not in the knowledge base.",
                                            f"Ce statut suit sa propre règle, pas celle du détachement : {basis}. Le texte n'est pas dans la base de connaissances."))
    return None  # non-EU instruments: rows per status decide (no row -> agent)


def _no_instrument(result: Applicability, rules: RulesTable, french_side: str, other: str, outbound: bool,
                   status: str, lang: str, start: dt.date) -> Applicability:
    label = places.place_name(other, lang)
    explicit_none = next((a for a in rules.agreements if a.kind == "no_agreement" and other in a.partners), None)
    if french_side not in places.france_dom() or places.territory(other):
        return _agent(result, None, lang, _tr(
            lang, f"No coordination text between {places.place_name(french_side)} and {label} is in the knowledge base (CSS L761-2 covers postings abroad from metropolitan France and the overseas departments only).",
            f"Aucun texte de coordination entre {places.place_name(french_side, 'fr')} et {label} n'est dans la base de connaissances (l'art. L761-2 CSS ne vise que les détachements à l'étranger depuis la métropole et les départements d'outre-mer)."))
    joined = [g for g in ("EU", "EEA", "CH") if other in places.group_members(g)]
    if joined:
        return _agent(result, None, lang, _tr(
            lang, f"On {start.isoformat()} {label} was not yet under EU coordination; the instrument that applied before is not in the knowledge base.",
            f"Le {start.isoformat()}, {label} ne relevait pas encore de la coordination européenne ; l'instrument applicable auparavant n'est pas dans la base de connaissances."))
    if not outbound:
        return _agent(result, None, lang, _tr(
            lang, f"No instrument in the knowledge base exempts a person working in France from French affiliation for {label}: check the agreement.",
            f"Aucun instrument de la base de connaissances ne dispense de l'affiliation française une personne travaillant en France pour {label} : vérifier l'accord."),
            requirements=_req("base_in", lang))
    if explicit_none:
        result.sources.extend(_agreement_sources(explicit_none, lang))
        result.notes.append(_tr(lang, f"France has no social security agreement with {label}: French law applies.",
                                f"La France n'a pas d'accord de sécurité sociale avec {label} : le droit français s'applique."))
    else:
        result.notes.append(_tr(lang, f"No agreement between France and {label} in force on {start.isoformat()} is in the knowledge base's list: French law applies.",
                                f"La liste de la base de connaissances ne contient aucun accord entre la France et {label} en vigueur le {start.isoformat()} : le droit français s'applique."))
    l761 = rules.agreement(L761_2)
    row = next((i for i in rules.rows(L761_2) if i.status == status), None)
    if row is None:
        return _agent(result, l761, lang, _tr(
            lang, "CSS L761-2 maintains only employed workers (activité salariée) posted abroad; for this status an agent checks the options (voluntary insurance with the CFE, CSS L762-1).",
            "L'art. L761-2 CSS ne maintient que les salariés détachés à l'étranger ; pour ce statut un agent examine les possibilités (assurance volontaire auprès de la CFE, CSS L762-1)."))
    return _with_terms(result, l761, row, True, result.previous_months, result.previous_end, lang, other)


def _chain(result: Applicability, ag: Agreement, previous_months: float, previous_end: dt.date | None,
           lang: str) -> float:
    """Months of earlier posting counted with this one (Decision A2 for EU rules, R761-1 for L761-2)."""
    if previous_end is None:
        return previous_months
    gap_days = (result.start - previous_end).days - 1
    gap = ag.repost_gap_months
    if not gap:
        result.chained = None
        result.notes.append(_tr(lang, f"A previous posting ended {gap_days} days before this one; the re-posting gap of this instrument is not in the knowledge base: the months are counted together until an agent checks.",
                                f"Un détachement précédent a pris fin {gap_days} jours avant celui-ci ; le délai de carence de cet instrument n'est pas dans la base de connaissances : les mois sont cumulés jusqu'à vérification par un agent."))
        result.check_the_agreement = True
        return previous_months
    within = result.start <= add_months(previous_end, gap)
    if ag.family == L761_2:  # R761-1: the 2-year gap binds only after the maximum, and not for < 3 months
        within = within and previous_months >= 36 and result.requested_months >= 3
    basis = {"fr-css-l761-2": "CSS R761-1"}.get(ag.family, "Decision A2 of the Administrative Commission, point 3(c)"
                                                 if ag.family in (EU, "uk-withdrawal-agreement") else ag.name(lang))
    if within:
        result.chained = True
        result.notes.append(_tr(lang, f"The previous posting ended {gap_days} days before: under {gap} months' gap the periods are one posting ({basis}); its {previous_months} months count.",
                                f"Le détachement précédent a pris fin {gap_days} jours avant : en deçà de {gap} mois d'intervalle, les périodes forment un seul détachement ({basis}) ; ses {previous_months} mois comptent."))
        return previous_months
    result.chained = False
    result.notes.append(_tr(lang, f"The previous posting ended {gap_days} days before ({gap} months' gap reached, {basis}): this is a new posting.",
                            f"Le détachement précédent a pris fin {gap_days} jours avant (intervalle de {gap} mois atteint, {basis}) : il s'agit d'un nouveau détachement."))
    return 0.0


def _with_terms(result: Applicability, ag: Agreement, row: Instrument, outbound: bool, previous_months: float,
                previous_end: dt.date | None, lang: str, other: str) -> Applicability:
    counted = _chain(result, ag, previous_months, previous_end, lang)
    result.previous_months = counted
    total = round(result.requested_months + counted, 1)
    result.total_months = total
    result.terms_known = True
    result.instrument = _instrument_summary(row, ag, lang)
    result.legal_basis = row.legal_reference + (f"; {result.legal_basis}" if result.legal_basis else "")
    result.max_months = row.max_months
    effective_start = add_months(result.start, -int(counted)) if counted else result.start
    result.max_end = add_months(effective_start, row.max_months) - dt.timedelta(days=1)
    result.exceeds_max = total > row.max_months or result.end > result.max_end
    absolute = row.max_months + row.extension_months if row.extension == "fixed" else None
    result.extension = {
        "kind": row.extension, "months": row.extension_months or None, "absolute_max_months": absolute,
        "within_extension": (total <= absolute) if (absolute and result.exceeds_max) else None,
        "text": row.extension_text(lang), "agreement_by": row.agreement_by,
    }
    notes = result.notes
    if row.extension == "not_stated" and result.exceeds_max:
        result.check_the_agreement = True
    if row.leave_included:
        notes.append(_tr(lang, "Leave periods count in the duration.", "Les congés sont inclus dans la durée."))
    if row.verified_as_of.isdigit() and len(row.verified_as_of) == 4 and row.kind == "bilateral_agreement":
        notes.append(_tr(lang, f"Durations read from a table published in {row.verified_as_of}: check the agreement's current text before deciding.",
                         f"Durées lues dans un tableau publié en {row.verified_as_of} : vérifier le texte en vigueur de l'accord avant de décider."))
    if row.nationality == "check" and result.nationality == "third" and ag.family != EU:
        result.check_the_agreement = True
        notes.append(_tr(lang, "The table held does not say whether nationals of other states are covered: check the agreement.",
                         "Le tableau disponible ne précise pas si les ressortissants d'autres États sont couverts : vérifier l'accord."))
    elif row.nationality == "third_country_possible" and result.nationality == "third":
        notes.append(_tr(lang, "Nationals of third states may, under conditions, use this posting procedure.",
                         "Les ressortissants d'États tiers peuvent, sous conditions, bénéficier de cette procédure de détachement."))

    is_l761 = ag.family == L761_2
    if not result.exceeds_max:
        result.route = "standard"
    elif is_l761 and absolute and total <= absolute:
        result.route = "standard"  # R761-1: renewable once, of right
        notes.append(_tr(lang, "Beyond 3 years: renewal of right, once, for up to 3 more years (CSS R761-1); not an exceptional derogation.",
                         "Au-delà de 3 ans : renouvellement de droit, une fois, pour 3 ans au plus (CSS R761-1) ; ce n'est pas une dérogation exceptionnelle."))
    elif is_l761:
        result.route = "not_applicable"
        result.legal_basis += "; CSS art. L762-1 (voluntary insurance, Caisse des Français de l'étranger)"
        notes.append(_tr(lang, "Beyond 72 months (3 years renewed once) French affiliation under L761-2 ends: the worker is an expatriate and may join the voluntary insurance of the Caisse des Français de l'étranger (CSS L762-1).",
                         "Au-delà de 72 mois (3 ans renouvelés une fois), le maintien au titre de l'art. L761-2 prend fin : le travailleur est expatrié et peut adhérer à l'assurance volontaire de la Caisse des Français de l'étranger (CSS L762-1)."))
        cfe = next((a for a in load_rules().agreements if a.family == "fr-css-l762-1"), None)
        if cfe:
            result.sources.extend(_agreement_sources(cfe, lang))
    else:
        result.route = "exception"

    reqs = _req("base_out" if outbound else "base_in", lang)
    if is_l761:
        reqs += _req("l761_2", lang)
    if result.route == "exception":
        reqs += _req("exception", lang, agreement_by=row.agreement_by or CHECK_THE_AGREEMENT["fr" if lang == "fr" else "en"])
    result.requirements = reqs
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for s in row.sources:
        key = (s.article, s.path, s.ref)
        if key in merged:
            merged[key]["evidences"] += f", {s.evidences}"
        else:
            merged[key] = {"instrument": row.name(lang), "article": s.article, "root": s.root, "path": s.path,
                           "ref": s.ref, "evidences": s.evidences}
    result.sources = list(merged.values()) + [s for s in result.sources if (s["article"], s["path"], s["ref"]) not in merged]

    # Who handles it, and what to do now.
    form = ag.forms or row.form
    country = places.place_name(other, lang)
    if result.route == "not_applicable":
        result.handled_by = _handled("cfe", lang)
        result.next_steps = [_tr(lang, "The worker may apply to the Caisse des Français de l'étranger (voluntary insurance, CSS L762-1); the employer's L761-2 undertaking ends after 72 months.",
                                 "Le travailleur peut adhérer à la Caisse des Français de l'étranger (assurance volontaire, CSS L762-1) ; l'engagement L761-2 de l'employeur prend fin après 72 mois.")]
    elif not outbound and result.route == "standard":
        result.handled_by = _handled("foreign_institution", lang)
        result.next_steps = [_tr(lang, f"The employer obtains the posting certificate ({form}) from the competent institution of {country}; the worker keeps it while working in France.",
                                 f"L'employeur obtient le certificat de détachement ({form}) auprès de l'institution compétente de {country} ; le travailleur le conserve pendant son activité en France.")]
    elif result.route == "standard":
        bodies = ag.issued_by or (_tr(lang, "the institution of affiliation in the usual place of work (the text's issuing body is not in the knowledge base)",
                                      "l'institution d'affiliation du lieu de travail habituel (l'organisme émetteur prévu par le texte n'est pas dans la base de connaissances)")
                                  if ag.kind == "territorial_text" else None) or _tr(lang, "the French recovery body (URSSAF, or MSA for farm workers) (CSS R761-2)",
                                     "l'organisme de recouvrement français (URSSAF, ou MSA pour les salariés agricoles) (CSS R761-2)")
        result.handled_by = _handled("issuing_body", lang, bodies=bodies)
        result.next_steps = [_tr(lang, f"Before the posting starts, the employer applies to {bodies} for the certificate ({form}).",
                                 f"Avant le début du détachement, l'employeur demande le certificat ({form}) à {bodies}.")]
        if is_l761:
            result.next_steps.append(_tr(lang, "The request carries the employer's undertaking to pay all contributions due (CSS R761-2).",
                                         "La demande est accompagnée de l'engagement de l'employeur de s'acquitter de l'intégralité des cotisations (CSS R761-2)."))
    else:  # exception: needs the other state's agreement
        decides = ag.decides_exception or row.agreement_by
        result.handled_by = _handled("centre", lang, detail=_tr(lang, f"agreement of {decides}", f"accord de : {decides}"))
        basis = ag.derogation or row.legal_reference
        result.next_steps = [
            _tr(lang, f"The employer sends the centre a reasoned request ({basis}), save exceptional circumstances within the three months before the end of the initial mission (CSS R761-2).",
                f"L'employeur adresse au centre une demande motivée ({basis}), sauf circonstances exceptionnelles dans les trois mois précédant la fin de la mission initiale (CSS R761-2)."),
            _tr(lang, "The centre asks the other state's authority for its agreement; the case waits for that reply.",
                "Le centre sollicite l'accord de l'autorité de l'autre État ; le dossier attend sa réponse."),
        ]
    return result
