"""Fixed wording of answers in the languages the assistant writes (fr, en, es, de, it, pt). Source
quotations stay in the language of the source; everything around them is written here."""
from __future__ import annotations

LANGUAGE_NAMES = {"fr": "français", "en": "English", "es": "español", "de": "Deutsch", "it": "italiano", "pt": "português"}

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "intro": "D'après les textes disponibles :",
        "basis": "Base juridique",
        "version": "version du {date}",
        "abstain": "Les textes dont je dispose ne permettent pas de répondre de façon fiable à cette question.",
        "abstain_reason": "{reason}",
        "handover": "Vous pouvez demander à être mis en relation avec un conseiller du CLEISS (il recevra cette conversation), "
                    "ou consulter {contact}.",
        "refuse_fraud": "Je ne peux pas aider à établir un faux document ni à contourner un contrôle. Le formulaire de "
                        "législation applicable (A1) est demandé par l'employeur à l'organisme compétent ; un conseiller "
                        "peut vous expliquer la démarche.",
        "refuse_personal": "Je ne peux ni rechercher ni communiquer les données personnelles d'une personne. Pour votre propre "
                           "dossier, adressez-vous à votre caisse ou demandez à parler à un conseiller.",
        "refuse_injection": "Je réponds uniquement aux questions sur la sécurité sociale internationale, à partir des textes "
                            "disponibles. Posez votre question et je chercherai les textes applicables.",
        "source_language": "Les extraits sont cités dans la langue du texte source.",
        "human": "Je transmets volontiers votre demande à un conseiller du CLEISS : laissez vos coordonnées et votre "
                 "question (bouton « Parler à un conseiller ») ; la conversation lui sera jointe et vous recevrez un "
                 "numéro de référence.",
        "other_language": "Je ne peux pas répondre entièrement en {language} : la réponse est donnée en français et en anglais, "
                          "avec les extraits dans la langue des textes.",
        "dated": "Attention : certaines sources datent de {year} ; la règle a pu changer depuis.",
        "routes": "Pour des soins dans un autre pays européen, deux voies existent : les règlements de coordination "
                  "(carte européenne d'assurance maladie pour les soins imprévus, formulaires S1/S2) et la directive "
                  "2011/24/UE (soins transfrontaliers remboursés au tarif français, autorisation préalable pour certains soins).",
        "no_sources_for": "Aucun des textes disponibles ne porte sur {what}.",
        "article_missing": "l'article demandé de cet instrument",
        "agreement_missing": "une convention de sécurité sociale avec {place}",
        "territory_missing": "{place}",
        "year_missing": "l'année {year}",
    },
    "en": {
        "intro": "According to the available texts:",
        "basis": "Legal basis",
        "version": "version of {date}",
        "abstain": "The texts available to me do not answer this question reliably.",
        "abstain_reason": "{reason}",
        "handover": "You can ask to be put in touch with a CLEISS adviser (who will receive this conversation), or see {contact}.",
        "refuse_fraud": "I cannot help to produce a false document or to get around an inspection. The certificate of "
                        "applicable legislation (A1) is requested by the employer from the competent institution; an adviser "
                        "can explain the procedure.",
        "refuse_personal": "I cannot look up or disclose anyone's personal data. For your own file, contact your insurance "
                           "fund or ask to speak to an adviser.",
        "refuse_injection": "I only answer questions on international social security, from the available texts. Ask your "
                            "question and I will look for the applicable texts.",
        "source_language": "Some sources are in French; quotations are given in the language of the source.",
        "human": "I can pass your request to a CLEISS adviser: leave your contact details and your question (\"Talk to "
                 "an adviser\" button); this conversation will be attached and you will receive a reference number.",
        "other_language": "I cannot answer fully in {language}: the answer is given in French and English, with quotations "
                          "in the language of the texts.",
        "dated": "Note: some sources date from {year}; the rule may have changed since.",
        "routes": "For care in another European country there are two routes: the coordination regulations (European "
                  "Health Insurance Card for unforeseen care, S1/S2 forms) and Directive 2011/24/EU (cross-border care "
                  "refunded at the home tariff, prior authorisation for some care).",
        "no_sources_for": "None of the available texts covers {what}.",
        "article_missing": "the requested article of that instrument",
        "agreement_missing": "a social-security agreement with {place}",
        "territory_missing": "{place}",
        "year_missing": "the year {year}",
    },
    "es": {
        "intro": "Según los textos disponibles (citados en su lengua original):",
        "basis": "Base jurídica",
        "version": "versión del {date}",
        "abstain": "Los textos de que dispongo no permiten responder de forma fiable a esta pregunta.",
        "handover": "Puede pedir que le ponga en contacto con un asesor del CLEISS o consultar {contact}.",
        "source_language": "Las fuentes están en francés; los extractos se citan en la lengua original.",
    },
    "de": {
        "intro": "Nach den verfügbaren Texten (in der Originalsprache zitiert):",
        "basis": "Rechtsgrundlage",
        "version": "Fassung vom {date}",
        "abstain": "Die mir vorliegenden Texte beantworten diese Frage nicht zuverlässig.",
        "handover": "Sie können um Kontakt mit einer Beraterin oder einem Berater des CLEISS bitten oder {contact} besuchen.",
        "source_language": "Die Quellen sind auf Französisch; Auszüge werden in der Originalsprache zitiert.",
    },
    "it": {
        "intro": "Secondo i testi disponibili (citati nella lingua originale):",
        "basis": "Base giuridica",
        "version": "versione del {date}",
        "abstain": "I testi di cui dispongo non permettono di rispondere in modo affidabile a questa domanda.",
        "handover": "Può chiedere di essere messo in contatto con un consulente del CLEISS o consultare {contact}.",
        "source_language": "Le fonti sono in francese; gli estratti sono citati nella lingua originale.",
    },
    "pt": {
        "intro": "Segundo os textos disponíveis (citados na língua original):",
        "basis": "Base jurídica",
        "version": "versão de {date}",
        "abstain": "Os textos de que disponho não permitem responder de forma fiável a esta pergunta.",
        "handover": "Pode pedir para ser posto em contacto com um conselheiro do CLEISS ou consultar {contact}.",
        "source_language": "As fontes estão em francês; os excertos são citados na língua original.",
    },
}


def msg(lang: str, key: str, /, **kwargs) -> str:
    """Message `key` in `language`, falling back to English then French for keys not translated."""
    for code in (lang, "en", "fr"):
        template = MESSAGES.get(code, {}).get(key)
        if template is not None:
            return template.format(**kwargs)
    raise KeyError(key)


def bilingual(key: str, **kwargs) -> str:
    """French then English (for languages the assistant cannot write)."""
    return f"{msg('fr', key, **kwargs)}\n{msg('en', key, **kwargs)}"


def format_date(yyyymmdd: int | None, language: str) -> str | None:
    if not yyyymmdd or yyyymmdd <= 0 or yyyymmdd >= 99990000:
        return None
    y, m, d = yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100
    if language == "en":
        return f"{y:04d}-{m:02d}-{d:02d}"
    return f"{d:02d}/{m:02d}/{y:04d}"
