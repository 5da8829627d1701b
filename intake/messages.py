"""French and English texts of the intake forms: field labels, validation messages, statuses."""
from __future__ import annotations

LANGS = ("fr", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (fr, en)
    "required": ("Ce champ est obligatoire.", "This field is required."),
    "too_long": ("Texte trop long : {max} caractères au plus.", "Text too long: at most {max} characters."),
    "control_characters": ("Caractères de contrôle non autorisés.", "Control characters are not allowed."),
    "wrong_type": ("Valeur de type incorrect (attendu : {expected}).", "Wrong type of value (expected: {expected})."),
    "date_invalid": ("Date invalide (format AAAA-MM-JJ).", "Invalid date (format YYYY-MM-DD)."),
    "date_out_of_range": ("Date hors limites : entre {min} et {max}.", "Date out of range: between {min} and {max}."),
    "date_in_future": ("La date ne peut pas être dans le futur.", "The date cannot be in the future."),
    "dates_order": ("La date de fin doit être postérieure ou égale à la date de début.",
                    "The end date must be on or after the start date."),
    "period_too_long": ("Période trop longue : {max} mois au plus par demande.",
                        "Period too long: at most {max} months per request."),
    "overlap_previous": ("Cette période chevauche un détachement antérieur ({start} – {end}).",
                         "This period overlaps an earlier posting ({start} – {end})."),
    "previous_after_request": ("Un détachement antérieur doit se terminer avant le début de la période demandée.",
                               "An earlier posting must end before the requested period starts."),
    "too_many_items": ("Trop d'éléments : {max} au plus.", "Too many items: at most {max}."),
    "country_invalid": ("Code pays inconnu (code ISO à deux lettres, par ex. DE, ES, NC).",
                        "Unknown country code (two-letter ISO code, e.g. DE, ES, NC)."),
    "country_same": ("L'État d'emploi doit être différent de l'État habituel.",
                     "The state of work must differ from the usual state."),
    "country_not_french": ("Doit être la France métropolitaine ou un département d'outre-mer.",
                           "Must be metropolitan France or an overseas department."),
    "country_must_be_foreign": ("Doit être un État autre que la France.", "Must be a state other than France."),
    "siret_invalid": ("SIRET invalide : 14 chiffres avec une clé de contrôle correcte.",
                      "Invalid SIRET: 14 digits with a correct check digit."),
    "nir_invalid": ("Numéro de sécurité sociale invalide : 15 caractères dont la clé (97 - numéro modulo 97).",
                    "Invalid social-security number (NIR): 15 characters including the key (97 - number mod 97)."),
    "iban_invalid": ("IBAN invalide (clé de contrôle incorrecte).", "Invalid IBAN (wrong check digits)."),
    "email_invalid": ("Adresse électronique invalide.", "Invalid e-mail address."),
    "status_invalid": ("Statut inconnu : {allowed}.", "Unknown status: {allowed}."),
    "choice_invalid": ("Valeur non autorisée : {allowed}.", "Value not allowed: {allowed}."),
    "reasons_required": (
        "La période demandée ({requested} mois) dépasse la durée maximale de {max} mois prévue par {instrument} : "
        "la demande sera traitée comme une dérogation, indiquez-en les motifs (au moins {min} caractères).",
        "The requested period ({requested} months) exceeds the maximum of {max} months under {instrument}: "
        "the request will be handled as an exception; give the reasons (at least {min} characters)."),
    "exceeds_max_info": (
        "La période demandée dépasse la durée maximale de {max} mois : demande de dérogation, motifs fournis.",
        "The requested period exceeds the maximum of {max} months: exception request, reasons given."),
    "check_agreement": ("Les termes applicables ne sont pas connus de la base : l'agent vérifiera l'accord.",
                        "The applicable terms are not known to the knowledge base: the officer will check the agreement."),
    "attachment_required": ("Pièce jointe obligatoire : {kind}.", "Required attachment: {kind}."),
    "not_collected": ("Ce formulaire ne recueille ni données bancaires ni données de santé : retirez ce champ.",
                      "This form collects no bank or health data: remove this field."),
    "boolean_invalid": ("Répondez par oui ou non.", "Answer yes or no."),
    "employer_id_required": ("Indiquez le SIRET de l'employeur ou, pour un employeur étranger, son immatriculation dans son État.",
                             "Give the employer's SIRET or, for a foreign employer, its registration in its own state."),
    "handled_elsewhere": (
        "Ce détachement relève de la procédure normale : le certificat est délivré par {bodies} (CSS R761-2), "
        "adressez-vous à cet organisme. Le centre traite les dérogations, les prolongations soumises à l'accord "
        "de l'autre État et les dispenses d'affiliation.",
        "This posting follows the standard procedure: the certificate is issued by {bodies} (CSS R761-2); apply "
        "there. The centre handles exceptions, extensions that need the other state's agreement, and exemptions."),
    "handled_elsewhere_info": ("Procédure normale : le certificat est délivré par {bodies}.",
                               "Standard procedure: the certificate is issued by {bodies}."),
    "facts_missing": ("L'agent aura besoin de : {fields}.", "The officer will need: {fields}."),
    "attachment_kind_invalid": ("Type de pièce jointe inconnu : {allowed}.", "Unknown attachment kind: {allowed}."),
    "attachment_too_large": ("Fichier trop volumineux : {max} Mo au plus.", "File too large: at most {max} MB."),
    "attachment_type": ("Type de fichier refusé (contenu détecté : {detected}) ; acceptés : {allowed}.",
                        "File type refused (content detected: {detected}); accepted: {allowed}."),
    "attachment_empty": ("Fichier vide.", "Empty file."),
    "attachment_infected": ("Le fichier a été refusé par l'antivirus.", "The file was refused by the virus scanner."),
    "attachment_scan_failed": ("L'analyse antivirus a échoué ; réessayez plus tard.",
                               "The virus scan failed; try again later."),
    "attachment_base64": ("Contenu de pièce jointe illisible (base64 attendu).", "Unreadable attachment content (base64 expected)."),
}

LABELS: dict[str, tuple[str, str]] = {
    "person.last_name": ("Nom", "Last name"),
    "person.first_name": ("Prénom", "First name"),
    "person.birth_date": ("Date de naissance", "Date of birth"),
    "person.nir": ("Numéro de sécurité sociale (NIR)", "French social-security number (NIR)"),
    "person.nationality": ("Nationalité (code pays)", "Nationality (country code)"),
    "person.email": ("Adresse électronique", "E-mail address"),
    "person.phone": ("Téléphone", "Phone"),
    "person.address": ("Adresse", "Address"),
    "employer.name": ("Raison sociale de l'employeur", "Employer name"),
    "employer.siret": ("SIRET de l'employeur", "Employer SIRET"),
    "employer.address": ("Adresse de l'employeur", "Employer address"),
    "employer.foreign_registration": ("Immatriculation de l'employeur étranger (n° et État)",
                                      "Foreign employer's registration (number and state)"),
    "host.entity": ("Entreprise ou entité d'accueil", "Host undertaking or entity"),
    "host.place_of_work": ("Lieu de travail (adresse)", "Place of work (address)"),
    "prior_affiliation_month": ("Affilié(e) au régime de l'État d'envoi depuis au moins un mois avant le départ",
                                "Affiliated to the sending state's scheme for at least one month before leaving"),
    "employer_substantial_activity": ("L'employeur exerce une activité substantielle dans l'État d'envoi",
                                      "The employer carries on substantial activities in the sending state"),
    "replaces_posted_worker": ("Le travailleur remplace un autre travailleur détaché",
                               "The worker replaces another posted worker"),
    "family_accompanying": ("La famille accompagne le travailleur", "The family accompanies the worker"),
    "several_states": ("Activité dans plusieurs États", "Work in several states"),
    "status": ("Statut", "Status"),
    "request_kind": ("Nature de la demande", "Kind of request"),
    "home_country": ("État d'emploi habituel", "State of usual work"),
    "work_country": ("État ou territoire d'emploi", "State or territory of work"),
    "start_date": ("Début de la période demandée", "Start of the requested period"),
    "end_date": ("Fin de la période demandée", "End of the requested period"),
    "previous_postings": ("Détachements antérieurs", "Previous postings"),
    "reasons": ("Motifs de la demande", "Reasons for the request"),
    "foreign_institution": ("Institution étrangère d'affiliation", "Foreign institution of affiliation"),
    "foreign_coverage_reference": ("Référence du certificat de couverture étrangère",
                                   "Reference of the foreign coverage certificate"),
    "attachments": ("Pièces jointes", "Attachments"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("Brouillon", "Draft"),
    "submitted": ("Déposée", "Submitted"),
    "in_review": ("En instruction", "In review"),
    "information_requested": ("Informations demandées", "Information requested"),
    "awaiting_other_state": ("En attente de l'accord de l'autre État", "Awaiting the other state's agreement"),
    "decision_proposed": ("Décision proposée", "Decision proposed"),
    "accepted": ("Acceptée", "Accepted"),
    "refused": ("Refusée", "Refused"),
    "withdrawn": ("Retirée", "Withdrawn"),
    "closed": ("Close", "Closed"),
}

CASE_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "continuation": ("Maintien d'affiliation pour un travail à l'étranger", "Continued affiliation while working abroad"),
    "exemption": ("Dispense d'affiliation en France", "Exemption from French affiliation"),
    "inquiry": ("Question", "Inquiry"),
}

PERSON_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "employed": ("Salarié", "Employed"),
    "self_employed": ("Non salarié (indépendant)", "Self-employed"),
    "civil_servant": ("Fonctionnaire", "Civil servant"),
    "student": ("Étudiant", "Student"),
    "seafarer": ("Marin", "Seafarer"),
    "flight_crew": ("Personnel navigant (aviation)", "Flight crew"),
}

ATTACHMENT_KIND_LABELS: dict[str, tuple[str, str]] = {
    "posting_letter": ("Lettre de détachement ou contrat de travail", "Posting letter or employment contract"),
    "employer_commitment": ("Engagement de l'employeur (cotisations)", "Employer's undertaking (contributions)"),
    "coverage_certificate": ("Justificatif de couverture étrangère", "Foreign coverage evidence"),
    "supporting_document": ("Autre justificatif", "Other supporting document"),
}

INFO_REASON_LABELS: dict[str, tuple[str, str]] = {
    "incomplete": ("Dossier incomplet", "Incomplete"),
    "incorrect": ("Informations incorrectes", "Incorrect information"),
    "outdated": ("Informations périmées", "Outdated information"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _localise(params: dict, lang: str) -> dict:
    # A parameter given as an (fr, en) pair is shown in the message's language.
    return {k: pick(v, lang) if isinstance(v, tuple) else v for k, v in params.items()}


def message(code: str, lang: str = "en", **params) -> str:
    fr, en = MESSAGES[code]
    return (fr if lang == "fr" else en).format(**_localise(params, lang))


def both(code: str, **params) -> dict[str, str]:
    fr, en = MESSAGES[code]
    return {"fr": fr.format(**_localise(params, "fr")), "en": en.format(**_localise(params, "en"))}


def label(field: str, lang: str = "en") -> str:
    pair = LABELS.get(field)
    return pick(pair, lang) if pair else field
