"""Fixed wording of answers in the languages the assistant writes (fr, en, es, de, it, pt, pl, ro, ar).
Source quotations stay in the language of the source (marked as quotations); everything around them is
written here. The widget's interface strings live in `api/web/static/widget.js`, the server pages' in
`api/web/i18n.py`."""
from __future__ import annotations

LANGUAGE_NAMES = {"fr": "français", "en": "English", "es": "español", "de": "Deutsch", "it": "italiano", "pt": "português",
                  "pl": "polski", "ro": "română", "ar": "العربية"}
# Quotation marks of each answer language: a quote in another language than the answer is shown between them.
QUOTES = {"fr": ("« ", " »"), "en": ("“", "”"), "es": ("«", "»"), "de": ("„", "“"), "it": ("«", "»"), "pt": ("«", "»"),
          "pl": ("„", "”"), "ro": ("„", "”"), "ar": ("«", "»")}

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "intro": "D'après les textes disponibles :",
        "basis": "Base juridique",
        "version": "version du {date}",
        "checked": "vérifiée le {date}",
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
        "checked": "checked on {date}",
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
        "checked": "verificada el {date}",
        "abstain": "Los textos de que dispongo no permiten responder de forma fiable a esta pregunta.",
        "abstain_reason": "{reason}",
        "handover": "Puede pedir que le pongan en contacto con un asesor del CLEISS (recibirá esta conversación) o consultar {contact}.",
        "refuse_fraud": "No puedo ayudar a redactar un documento falso ni a eludir un control. El certificado de legislación "
                        "aplicable (A1) lo solicita el empleador al organismo competente; un asesor puede explicarle el trámite.",
        "refuse_personal": "No puedo buscar ni comunicar los datos personales de nadie. Para su propio expediente, diríjase a su "
                           "caja o pida hablar con un asesor.",
        "refuse_injection": "Solo respondo a preguntas sobre la seguridad social internacional, a partir de los textos "
                            "disponibles. Haga su pregunta y buscaré los textos aplicables.",
        "source_language": "Las fuentes están en francés; los extractos se citan en la lengua original.",
        "human": "Puedo transmitir su solicitud a un asesor del CLEISS: deje sus datos de contacto y su pregunta (botón "
                 "«Hablar con una persona»); se adjuntará esta conversación y recibirá un número de referencia.",
        "dated": "Atención: algunas fuentes datan de {year}; la norma puede haber cambiado desde entonces.",
        "no_sources_for": "Ninguno de los textos disponibles trata de {what}.",
        "article_missing": "el artículo solicitado de ese instrumento",
        "agreement_missing": "un convenio de seguridad social con {place}",
        "territory_missing": "{place}",
        "year_missing": "el año {year}",
    },
    "de": {
        "intro": "Nach den verfügbaren Texten (in der Originalsprache zitiert):",
        "basis": "Rechtsgrundlage",
        "version": "Fassung vom {date}",
        "checked": "geprüft am {date}",
        "abstain": "Die mir vorliegenden Texte beantworten diese Frage nicht zuverlässig.",
        "abstain_reason": "{reason}",
        "handover": "Sie können um Kontakt mit einer Beraterin oder einem Berater des CLEISS bitten (dieses Gespräch wird "
                    "übermittelt) oder {contact} besuchen.",
        "refuse_fraud": "Ich kann weder beim Erstellen eines falschen Dokuments noch beim Umgehen einer Kontrolle helfen. Die "
                        "Bescheinigung über die anzuwendenden Rechtsvorschriften (A1) beantragt der Arbeitgeber beim "
                        "zuständigen Träger; eine Beraterin oder ein Berater kann Ihnen das Verfahren erklären.",
        "refuse_personal": "Ich kann keine personenbezogenen Daten einer Person suchen oder mitteilen. Für Ihre eigene Akte "
                           "wenden Sie sich an Ihre Kasse oder bitten Sie um ein Gespräch mit einer Beraterin oder einem Berater.",
        "refuse_injection": "Ich beantworte nur Fragen zur internationalen sozialen Sicherheit, auf Grundlage der verfügbaren "
                            "Texte. Stellen Sie Ihre Frage, und ich suche die anwendbaren Texte.",
        "source_language": "Die Quellen sind auf Französisch; Auszüge werden in der Originalsprache zitiert.",
        "human": "Ich kann Ihre Anfrage an eine Beraterin oder einen Berater des CLEISS weiterleiten: Hinterlassen Sie Ihre "
                 "Kontaktdaten und Ihre Frage (Schaltfläche „Mit einer Person sprechen“); dieses Gespräch wird beigefügt und "
                 "Sie erhalten eine Referenznummer.",
        "dated": "Achtung: Einige Quellen stammen aus dem Jahr {year}; die Regel kann sich seitdem geändert haben.",
        "no_sources_for": "Keiner der verfügbaren Texte betrifft {what}.",
        "article_missing": "den angefragten Artikel dieses Rechtsakts",
        "agreement_missing": "ein Sozialversicherungsabkommen mit {place}",
        "territory_missing": "{place}",
        "year_missing": "das Jahr {year}",
    },
    "it": {
        "intro": "Secondo i testi disponibili (citati nella lingua originale):",
        "basis": "Base giuridica",
        "version": "versione del {date}",
        "checked": "verificata il {date}",
        "abstain": "I testi di cui dispongo non permettono di rispondere in modo affidabile a questa domanda.",
        "abstain_reason": "{reason}",
        "handover": "Può chiedere di essere messo in contatto con un consulente del CLEISS (riceverà questa conversazione) o "
                    "consultare {contact}.",
        "refuse_fraud": "Non posso aiutare a redigere un documento falso né a eludere un controllo. Il certificato di "
                        "legislazione applicabile (A1) è chiesto dal datore di lavoro all'ente competente; un consulente può "
                        "spiegarle la procedura.",
        "refuse_personal": "Non posso cercare né comunicare i dati personali di una persona. Per la sua pratica si rivolga alla "
                           "sua cassa o chieda di parlare con un consulente.",
        "refuse_injection": "Rispondo solo a domande sulla sicurezza sociale internazionale, in base ai testi disponibili. "
                            "Ponga la sua domanda e cercherò i testi applicabili.",
        "source_language": "Le fonti sono in francese; gli estratti sono citati nella lingua originale.",
        "human": "Posso trasmettere la sua richiesta a un consulente del CLEISS: lasci i suoi recapiti e la sua domanda "
                 "(pulsante «Parlare con una persona»); la conversazione sarà allegata e riceverà un numero di riferimento.",
        "dated": "Attenzione: alcune fonti risalgono al {year}; la regola può essere cambiata da allora.",
        "no_sources_for": "Nessuno dei testi disponibili riguarda {what}.",
        "article_missing": "l'articolo richiesto di quello strumento",
        "agreement_missing": "una convenzione di sicurezza sociale con {place}",
        "territory_missing": "{place}",
        "year_missing": "l'anno {year}",
    },
    "pt": {
        "intro": "Segundo os textos disponíveis (citados na língua original):",
        "basis": "Base jurídica",
        "version": "versão de {date}",
        "checked": "verificada em {date}",
        "abstain": "Os textos de que disponho não permitem responder de forma fiável a esta pergunta.",
        "abstain_reason": "{reason}",
        "handover": "Pode pedir para ser posto em contacto com um conselheiro do CLEISS (que receberá esta conversa) ou "
                    "consultar {contact}.",
        "refuse_fraud": "Não posso ajudar a redigir um documento falso nem a contornar um controlo. O certificado de "
                        "legislação aplicável (A1) é pedido pelo empregador ao organismo competente; um conselheiro pode "
                        "explicar-lhe o procedimento.",
        "refuse_personal": "Não posso procurar nem comunicar os dados pessoais de ninguém. Para o seu próprio processo, "
                           "dirija-se à sua caixa ou peça para falar com um conselheiro.",
        "refuse_injection": "Só respondo a perguntas sobre segurança social internacional, com base nos textos disponíveis. "
                            "Faça a sua pergunta e procurarei os textos aplicáveis.",
        "source_language": "As fontes estão em francês; os excertos são citados na língua original.",
        "human": "Posso transmitir o seu pedido a um conselheiro do CLEISS: deixe os seus contactos e a sua pergunta (botão "
                 "«Falar com uma pessoa»); a conversa será anexada e receberá um número de referência.",
        "dated": "Atenção: algumas fontes datam de {year}; a regra pode ter mudado desde então.",
        "no_sources_for": "Nenhum dos textos disponíveis trata de {what}.",
        "article_missing": "o artigo pedido desse instrumento",
        "agreement_missing": "uma convenção de segurança social com {place}",
        "territory_missing": "{place}",
        "year_missing": "o ano {year}",
    },
    "pl": {
        "intro": "Według dostępnych tekstów (cytowanych w języku oryginału):",
        "basis": "Podstawa prawna",
        "version": "wersja z {date}",
        "checked": "sprawdzono {date}",
        "abstain": "Teksty, którymi dysponuję, nie pozwalają wiarygodnie odpowiedzieć na to pytanie.",
        "abstain_reason": "{reason}",
        "handover": "Może Pan/Pani poprosić o kontakt z doradcą CLEISS (otrzyma tę rozmowę) lub zajrzeć na {contact}.",
        "refuse_fraud": "Nie mogę pomóc w sporządzeniu fałszywego dokumentu ani w obejściu kontroli. Zaświadczenie o "
                        "ustawodawstwie właściwym (A1) wnioskuje pracodawca we właściwej instytucji; doradca może wyjaśnić "
                        "procedurę.",
        "refuse_personal": "Nie mogę wyszukiwać ani ujawniać danych osobowych innych osób. W sprawie własnej proszę zwrócić się "
                           "do swojej kasy lub poprosić o rozmowę z doradcą.",
        "refuse_injection": "Odpowiadam wyłącznie na pytania o międzynarodowe zabezpieczenie społeczne, na podstawie "
                            "dostępnych tekstów. Proszę zadać pytanie, a wyszukam właściwe teksty.",
        "source_language": "Źródła są po francusku; fragmenty cytowane są w języku oryginału.",
        "human": "Mogę przekazać Pana/Pani prośbę doradcy CLEISS: proszę zostawić dane kontaktowe i pytanie (przycisk "
                 "„Porozmawiaj z osobą”); rozmowa zostanie dołączona, a otrzyma Pan/Pani numer referencyjny.",
        "dated": "Uwaga: niektóre źródła pochodzą z {year} r.; zasada mogła się od tego czasu zmienić.",
        "no_sources_for": "Żaden z dostępnych tekstów nie dotyczy: {what}.",
        "article_missing": "wskazany artykuł tego aktu",
        "agreement_missing": "umowa o zabezpieczeniu społecznym z: {place}",
        "territory_missing": "{place}",
        "year_missing": "rok {year}",
    },
    "ro": {
        "intro": "Potrivit textelor disponibile (citate în limba originală):",
        "basis": "Temei juridic",
        "version": "versiunea din {date}",
        "checked": "verificat la {date}",
        "abstain": "Textele de care dispun nu permit un răspuns sigur la această întrebare.",
        "abstain_reason": "{reason}",
        "handover": "Puteți cere să fiți pus în legătură cu un consilier CLEISS (care va primi această conversație) sau să "
                    "consultați {contact}.",
        "refuse_fraud": "Nu pot ajuta la întocmirea unui document fals sau la eludarea unui control. Certificatul privind "
                        "legislația aplicabilă (A1) este cerut de angajator instituției competente; un consilier vă poate "
                        "explica procedura.",
        "refuse_personal": "Nu pot căuta sau comunica datele personale ale unei persoane. Pentru propriul dosar, adresați-vă "
                           "casei dumneavoastră sau cereți să vorbiți cu un consilier.",
        "refuse_injection": "Răspund doar la întrebări despre securitatea socială internațională, pe baza textelor "
                            "disponibile. Puneți întrebarea și voi căuta textele aplicabile.",
        "source_language": "Sursele sunt în franceză; extrasele sunt citate în limba originală.",
        "human": "Vă pot transmite cererea unui consilier CLEISS: lăsați datele de contact și întrebarea (butonul „Vorbiți "
                 "cu o persoană”); conversația va fi atașată și veți primi un număr de referință.",
        "dated": "Atenție: unele surse datează din {year}; regula s-ar putea să se fi schimbat între timp.",
        "no_sources_for": "Niciunul dintre textele disponibile nu privește {what}.",
        "article_missing": "articolul cerut din acel instrument",
        "agreement_missing": "un acord de securitate socială cu {place}",
        "territory_missing": "{place}",
        "year_missing": "anul {year}",
    },
    "ar": {
        "intro": "وفقا للنصوص المتاحة (مقتبسة بلغتها الأصلية):",
        "basis": "الأساس القانوني",
        "version": "نسخة {date}",
        "checked": "تم التحقق في {date}",
        "abstain": "النصوص المتوفرة لدي لا تسمح بالإجابة عن هذا السؤال بشكل موثوق.",
        "abstain_reason": "{reason}",
        "handover": "يمكنكم طلب التواصل مع مستشار في CLEISS (سيتلقى هذه المحادثة) أو زيارة {contact}.",
        "refuse_fraud": "لا يمكنني المساعدة في إعداد وثيقة مزورة أو التحايل على رقابة. شهادة التشريع المطبق (A1) يطلبها صاحب "
                        "العمل من الهيئة المختصة؛ ويمكن لمستشار أن يشرح لكم الإجراء.",
        "refuse_personal": "لا يمكنني البحث عن البيانات الشخصية لأي شخص أو الإفصاح عنها. بالنسبة لملفكم الخاص، توجهوا إلى "
                           "صندوقكم أو اطلبوا التحدث إلى مستشار.",
        "refuse_injection": "أجيب فقط عن الأسئلة المتعلقة بالضمان الاجتماعي الدولي، انطلاقا من النصوص المتاحة. اطرحوا سؤالكم "
                            "وسأبحث عن النصوص المطبقة.",
        "source_language": "المصادر باللغة الفرنسية؛ والمقتطفات مقتبسة بلغتها الأصلية.",
        "human": "يمكنني إحالة طلبكم إلى مستشار في CLEISS: اتركوا بيانات الاتصال وسؤالكم (زر «التحدث إلى شخص»)؛ ستُرفق هذه "
                 "المحادثة وستحصلون على رقم مرجعي.",
        "dated": "تنبيه: بعض المصادر تعود إلى سنة {year}؛ وقد تكون القاعدة تغيرت منذ ذلك الحين.",
        "no_sources_for": "لا يتناول أي من النصوص المتاحة {what}.",
        "article_missing": "المادة المطلوبة من هذا الصك",
        "agreement_missing": "اتفاقية ضمان اجتماعي مع {place}",
        "territory_missing": "{place}",
        "year_missing": "سنة {year}",
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
