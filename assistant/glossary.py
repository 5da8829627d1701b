"""Domain glossary: words of questions in English, Spanish, Portuguese, German and Italian mapped to
the French terms the sources use. Used to score source sentences against a foreign-language question
(lexical overlap) and to add French terms to the retrieval query; the e5 embeddings already match
across languages, this makes the lexical side and sentence selection do so too."""
from __future__ import annotations

import re

from assistant.text import fold

# foreign term (folded, may be a phrase) -> French terms (folded)
_GLOSSARY: dict[str, str] = {
    # posting / work
    "posted": "detache detachement", "posting": "detachement detache", "post": "detacher detachement",
    "seconded": "detache detachement", "secondment": "detachement",
    "destacar": "detacher detachement", "destacado": "detache detachement", "desplazamiento": "detachement",
    "destacamento": "detachement", "destacar-me": "detacher detachement", "entsendung": "detachement",
    "entsandt": "detache", "distacco": "detachement", "distaccato": "detache",
    "employer": "employeur", "company": "entreprise employeur", "empresa": "entreprise employeur",
    "firma": "entreprise employeur", "arbeitgeber": "employeur", "azienda": "entreprise employeur",
    "employee": "salarie travailleur", "worker": "travailleur salarie", "trabajador": "travailleur salarie",
    "trabalhador": "travailleur salarie", "job": "emploi travail", "work": "travail activite", "trabajo": "travail",
    "trabalho": "travail", "arbeit": "travail", "lavoro": "travail", "self-employed": "independant non salarie",
    "construction site": "chantier btp", "obra": "chantier btp", "baustelle": "chantier btp",
    "declaration": "declaration prealable", "declaracion": "declaration", "tramites": "formalites declaration",
    "formalities": "formalites", "representative": "representant", "representante": "representant",
    # insurance / contributions
    "social security": "securite sociale", "seguridad social": "securite sociale", "seguranca social": "securite sociale",
    "sozialversicherung": "securite sociale", "sicurezza sociale": "securite sociale",
    "contributions": "cotisations", "contribution": "cotisation", "cotizaciones": "cotisations",
    "contribuicoes": "cotisations", "beitrage": "cotisations", "contributi": "cotisations",
    "insured": "assure affilie", "insurance": "assurance", "seguro": "assurance", "versicherung": "assurance",
    "opt out": "exemption dispense", "exempt": "exemption dispense", "exemption": "exemption",
    "affiliation": "affiliation", "voluntary": "volontaire adhesion", "expatriate": "expatrie",
    # health
    "health": "sante maladie soins", "healthcare": "soins sante", "health care": "soins sante",
    "cuidados de saude": "soins sante", "cuidados": "soins", "salud": "sante soins", "saude": "sante soins",
    "gesundheit": "sante soins", "sanitaria": "sante soins", "medical": "medical soins", "treatment": "soins traitement",
    "care": "soins", "hospital": "hopital hospitalisation", "hospitalisation": "hospitalisation",
    "operation": "operation soins programmes", "surgery": "operation soins programmes", "planned": "programmes prevus",
    "scheduled": "programmes prevus", "unforeseen": "imprevus", "emergency": "urgence urgents",
    "refund": "remboursement rembourse", "reimbursement": "remboursement", "reembolso": "remboursement",
    "reimbursed": "rembourse remboursement", "prior authorisation": "autorisation prealable",
    "prior authorization": "autorisation prealable", "european health insurance card": "carte europeenne assurance maladie ceam",
    "ehic": "carte europeenne assurance maladie ceam", "tarjeta sanitaria europea": "carte europeenne assurance maladie ceam",
    "cartao europeu": "carte europeenne assurance maladie ceam", "document": "document formulaire attestation",
    "documento": "document formulaire", "form": "formulaire", "certificate": "certificat attestation",
    # family, pensions
    "pension": "pension retraite vieillesse", "retirement": "retraite", "retired": "retraite", "pensioner": "retraite pensionne",
    "jubilacion": "retraite", "reforma": "retraite", "rente": "retraite pension", "pensione": "retraite pension",
    "family benefits": "prestations familiales allocations familiales", "child": "enfant", "children": "enfants",
    "hijos": "enfants", "filhos": "enfants", "kinder": "enfants", "figli": "enfants",
    # time
    "years": "ans annees", "year": "an annee", "months": "mois", "month": "mois", "weeks": "semaines", "days": "jours",
    "anos": "ans annees", "meses": "mois", "jahre": "ans", "monate": "mois", "anni": "ans", "mesi": "mois",
    "how long": "duree combien temps", "maximum": "maximum maximale", "duration": "duree",
    "before": "avant", "renewable": "renouvelable", "penalty": "penalite sanction", "fine": "amende penalite",
    "valid": "valable validite", "apply": "demande demander", "request": "demande",
    "residence": "residence resider", "living": "residant vivre", "live": "resider vivre", "abroad": "etranger",
    "extranjero": "etranger", "estrangeiro": "etranger", "ausland": "etranger", "estero": "etranger",
    "liaison body": "organisme de liaison", "liaison bodies": "organismes de liaison",
    "entsandter": "detache", "entsandte": "detache", "arbeitnehmer": "salarie travailleur",
    "wie lange": "duree maximale", "bleiben": "rester maintenu", "system": "regime legislation",
    "sistema": "regime legislation", "regime": "regime", "lavoratore": "travailleur salarie",
    "quanto tempo": "duree maximale", "cuanto tiempo": "duree maximale", "quanto dura": "duree maximale",
    "permanecer": "rester maintenu", "rimanere": "rester maintenu", "seguir": "rester maintenu",
    "stay": "rester maintenu", "remain": "rester maintenu", "keep": "conserver maintien garder",
    # acronyms -> the full names the legal texts use (R767-2 never writes "CLEISS")
    "cleiss": "centre liaisons europeennes internationales securite sociale",
    "cfe": "caisse francais etranger", "ceam": "carte europeenne assurance maladie ceam",
    "ilo": "organisation internationale travail international labour organisation",
    "oit": "organisation internationale travail international labour organisation",
    "eee": "espace economique europeen", "eea": "espace economique europeen",
    "cpam": "caisse primaire assurance maladie", "cnav": "caisse nationale assurance vieillesse",
    "msa": "mutualite sociale agricole", "cps": "caisse prevoyance sociale polynesie",
    "cafat": "caisse compensation prestations familiales accidents travail prevoyance",
    # informal French (chat) -> the words of the texts
    "m'envoie": "detache detachement", "m'envoient": "detache detachement", "envoye": "detache detachement",
    "mute": "detache detachement", "mutation": "detachement",
    "secu": "securite sociale", "la secu": "securite sociale", "max": "maximum maximale", "boite": "entreprise employeur",
    "bosse": "travaille activite", "bossé": "travaille activite", "taf": "travail emploi", "boulot": "travail emploi",
    "rembourse": "remboursement rembourse", "dure": "duree", "combien de temps": "duree", "retraite": "retraite pension",
    "mutuelle": "complementaire",
    "carte vitale": "carte vitale assurance maladie", "alloc": "allocations familiales", "allocs": "allocations familiales",
    "caf": "allocations familiales caisse", "chomage": "chomage assurance chomage", "arret maladie": "indemnites journalieres",
}
_PHRASES = sorted(_GLOSSARY, key=len, reverse=True)
_PATTERN = re.compile(r"(?<![a-z])(" + "|".join(re.escape(p) for p in _PHRASES) + r")(?![a-z])")


def expansions(question: str) -> dict[str, list[str]]:
    """{matched word or phrase: its French source terms} for `question`."""
    return {m.group(1): _GLOSSARY[m.group(1)].split() for m in _PATTERN.finditer(fold(question))}


def french_terms(question: str) -> list[str]:
    """French source terms for the foreign (or informal) words of `question`."""
    out: list[str] = []
    for m in _PATTERN.finditer(fold(question)):
        for term in _GLOSSARY[m.group(1)].split():
            if term not in out:
                out.append(term)
    return out
