"""Labels of the catalogue's codes in each edition (French first): indicators, branches, directions,
instrument kinds and breakdown values. Codes without a label here fall back to the catalogue's English."""
from __future__ import annotations

from reports import catalogue as cat

_INDICATORS_FR = {
    "persons_registered_healthcare": "Personnes inscrites pour les soins de santé",
    "planned_care_authorisations": "Autorisations de soins programmés (S2)",
    "healthcare_claims": "Créances de soins de santé",
    "healthcare_claims_amount": "Créances de soins de santé (montant)",
    "healthcare_payments_amount": "Règlements de créances de soins (montant)",
    "pension_applications": "Demandes de pension instruites",
    "pensions_paid": "Pensions en paiement",
    "pensions_paid_amount": "Pensions versées (montant)",
    "family_benefit_cases": "Familles bénéficiaires",
    "children_covered": "Enfants couverts",
    "family_benefits_amount": "Prestations familiales versées (montant)",
    "accidents_recognised": "Accidents du travail reconnus",
    "occupational_diseases_recognised": "Maladies professionnelles reconnues",
    "work_injury_benefits_amount": "Prestations AT-MP (montant)",
    "u1_documents_issued": "Attestations de périodes d'assurance (DP U1)",
    "benefit_exports": "Exportations d'allocations chômage (DP U2)",
    "unemployment_reimbursements_amount": "Remboursements entre institutions (montant)",
    "posted_worker_certificates": "Certificats de détachement A1",
    "agreement_posting_forms": "Formulaires de détachement des conventions bilatérales",
    "multi_state_certificates": "Certificats de pluriactivité (art. 13)",
    "exceptions_granted": "Dérogations accordées (art. 16)",
    "bilateral_derogations": "Dérogations au titre des conventions bilatérales",
    "affiliation_exemptions": "Exemptions d'affiliation",
    "contributions_recovered_amount": "Cotisations recouvrées (montant)",
}
_BRANCHES = {
    "health": ("Santé", "Health"), "old_age": ("Vieillesse", "Old age"), "family": ("Famille", "Family"),
    "work_accidents": ("Accidents du travail", "Work accidents"), "unemployment": ("Chômage", "Unemployment"),
    "contributions": ("Recouvrement et législation applicable", "Contributions"),
}
_DIRECTIONS = {
    cat.FR_COMPETENT: ("France compétente", "France competent"),
    cat.FR_STAY_RESIDENCE: ("France État de séjour ou de résidence", "France stay/residence"),
}
_KINDS = {
    "eu": ("Règlements européens", "EU regulations"),
    "uk": ("Accord UE–Royaume-Uni", "EU–UK agreement"),
    "bilateral": ("Conventions bilatérales", "Bilateral agreements"),
    "territorial": ("Décrets de coordination", "Coordination decrees"),
    "none": ("Pays hors accord", "Non-agreement countries"),
    "other": ("Autres", "Other"),
}
_VALUES = {
    "basis": {"actual_costs": ("Frais réels", "Actual costs"), "lump_sums": ("Forfaits", "Lump sums")},
    "sector": {
        "agriculture": ("Agriculture", "Agriculture"), "industry": ("Industrie", "Industry"),
        "construction": ("Construction", "Construction"), "transport": ("Transports", "Transport"),
        "trade_hospitality": ("Commerce, hôtellerie, restauration", "Trade, hotels and restaurants"),
        "business_services": ("Services aux entreprises", "Business services"),
        "public_health_education": ("Administration, santé, enseignement", "Public sector, health, education"),
        "other": ("Autres secteurs", "Other sectors"),
    },
    "duration": {
        "lt_1m": ("Moins d'un mois", "Under 1 month"), "1_6m": ("De 1 à 6 mois", "1 to 6 months"),
        "6_12m": ("De 6 à 12 mois", "6 to 12 months"), "12_24m": ("De 12 à 24 mois", "12 to 24 months"),
        "gt_24m": ("Plus de 24 mois", "Over 24 months"),
    },
    "status": {"employee": ("Salariés", "Employees"), "self_employed": ("Non-salariés", "Self-employed"),
               "civil_servant": ("Fonctionnaires", "Civil servants")},
}
_DIMENSIONS = {"basis": ("Nature", "Basis"), "sector": ("Secteur d'activité", "Sector"),
               "duration": ("Durée", "Duration"), "status": ("Statut", "Status")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def indicator(code: str, lang: str) -> str:
    english = cat.INDICATORS[code].label if code in cat.INDICATORS else code
    return _INDICATORS_FR.get(code, english) if lang == "fr" else english


def branch(code: str, lang: str) -> str:
    return _pick(_BRANCHES[code], lang) if code in _BRANCHES else code


def direction(code: str, lang: str) -> str:
    return _pick(_DIRECTIONS[code], lang)


def kind(code: str, lang: str) -> str:
    return _pick(_KINDS.get(code, (code, code)), lang)


KIND_ORDER = ("eu", "uk", "bilateral", "territorial", "none", "other")


def dimension(code: str, lang: str) -> str:
    return _pick(_DIMENSIONS[code], lang)


def dimension_value(dimension_code: str, value: str, lang: str) -> str:
    return _pick(_VALUES.get(dimension_code, {}).get(value, (value, value)), lang)
