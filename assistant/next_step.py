"""The next step closing every answer: the form to ask for, the body that issues it and its official
site, or the handover to an adviser when no single step fits. Chosen from the situation the question
describes (keyword rules on the folded question, the coarse topic and the places it names), written in
the answer's language. Every step names only forms, bodies and rules stated in the project's fact sheets
(corpus/facts), and links only to official sites (allow-listed for the answer by `STEP_URLS`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.places import EU_EEA_CH, TERRITORIES, display_name, places_in
from assistant.text import fold
from assistant.topics import topic_of

LABEL = {"fr": "Prochaine étape", "en": "Next step", "es": "Próximo paso", "de": "Nächster Schritt",
         "it": "Prossimo passo", "pt": "Próximo passo", "pl": "Następny krok", "ro": "Pasul următor",
         "ar": "الخطوة التالية"}

# situation -> (official site, text per language)
STEPS: dict[str, tuple[str, dict[str, str]]] = {
    "posting_eu": ("https://www.urssaf.fr", {
        "fr": "avant le départ, l'employeur (ou le travailleur indépendant) demande le formulaire A1 à l'URSSAF "
              "(à la MSA pour le régime agricole).",
        "en": "before departure, the employer (or the self-employed person) asks URSSAF (MSA for the farm scheme) for "
              "the A1 form.",
        "es": "antes de la salida, el empleador (o el trabajador autónomo) pide el formulario A1 a la URSSAF (a la MSA "
              "en el régimen agrícola).",
        "de": "vor der Abreise beantragt der Arbeitgeber (oder die selbstständige Person) das Formular A1 bei der "
              "URSSAF (bei der MSA im landwirtschaftlichen System).",
        "it": "prima della partenza il datore di lavoro (o il lavoratore autonomo) chiede il modulo A1 all'URSSAF (alla "
              "MSA per il regime agricolo).",
        "pt": "antes da partida, o empregador (ou o trabalhador independente) pede o formulário A1 à URSSAF (à MSA no "
              "regime agrícola).",
        "pl": "przed wyjazdem pracodawca (lub osoba samozatrudniona) wnioskuje o formularz A1 w URSSAF (w MSA w systemie "
              "rolniczym).",
        "ro": "înainte de plecare, angajatorul (sau lucrătorul independent) cere formularul A1 la URSSAF (la MSA pentru "
              "regimul agricol).",
        "ar": "قبل المغادرة، يطلب صاحب العمل (أو العامل المستقل) الاستمارة A1 من URSSAF (من MSA في النظام الزراعي).",
    }),
    "posting_outside": ("https://www.cleiss.fr", {
        "fr": "vérifiez auprès du CLEISS si une convention lie la France à ce pays ; l'employeur adresse la demande de "
              "maintien au régime français à l'URSSAF avant le départ.",
        "en": "check with the CLEISS whether France has an agreement with that country; the employer sends the request "
              "to stay in the French scheme to URSSAF before departure.",
        "es": "compruebe con el CLEISS si existe un convenio entre Francia y ese país; el empleador envía la solicitud de "
              "mantenimiento en el régimen francés a la URSSAF antes de la salida.",
        "de": "klären Sie beim CLEISS, ob ein Abkommen zwischen Frankreich und diesem Land besteht; der Arbeitgeber "
              "beantragt den Verbleib im französischen System vor der Abreise bei der URSSAF.",
        "it": "verifichi presso il CLEISS se esiste una convenzione tra la Francia e quel paese; il datore di lavoro "
              "chiede all'URSSAF il mantenimento nel regime francese prima della partenza.",
        "pt": "verifique junto do CLEISS se existe uma convenção entre a França e esse país; o empregador pede à URSSAF "
              "a manutenção no regime francês antes da partida.",
        "pl": "proszę sprawdzić w CLEISS, czy Francję łączy z tym krajem umowa; pracodawca składa w URSSAF wniosek o "
              "pozostanie we francuskim systemie przed wyjazdem.",
        "ro": "verificați la CLEISS dacă Franța are un acord cu acea țară; angajatorul trimite cererea de menținere în "
              "regimul francez la URSSAF înainte de plecare.",
        "ar": "تحققوا لدى CLEISS من وجود اتفاقية بين فرنسا وهذا البلد؛ ويرسل صاحب العمل طلب البقاء في النظام الفرنسي إلى "
              "URSSAF قبل المغادرة.",
    }),
    "posted_into_france": ("https://travail-emploi.gouv.fr", {
        "fr": "l'employeur établi à l'étranger déclare le détachement avant son début sur le service SIPSI du ministère "
              "du travail ; le salarié garde sur lui le formulaire A1 de son pays.",
        "en": "the employer established abroad declares the posting before it starts on the labour ministry's SIPSI "
              "service; the employee keeps the A1 form from their home country.",
        "es": "el empleador establecido en el extranjero declara el desplazamiento antes de su inicio en el servicio "
              "SIPSI del ministerio de trabajo; el trabajador conserva el formulario A1 de su país.",
        "de": "der im Ausland ansässige Arbeitgeber meldet die Entsendung vor Beginn über den Dienst SIPSI des "
              "Arbeitsministeriums; der Arbeitnehmer führt das A1 seines Landes mit.",
        "it": "il datore di lavoro stabilito all'estero dichiara il distacco prima dell'inizio sul servizio SIPSI del "
              "ministero del lavoro; il lavoratore tiene con sé il modulo A1 del suo paese.",
        "pt": "o empregador estabelecido no estrangeiro declara o destacamento antes do início no serviço SIPSI do "
              "ministério do trabalho; o trabalhador guarda o formulário A1 do seu país.",
        "pl": "pracodawca z siedzibą za granicą zgłasza delegowanie przed jego rozpoczęciem w serwisie SIPSI "
              "ministerstwa pracy; pracownik ma przy sobie formularz A1 ze swojego kraju.",
        "ro": "angajatorul stabilit în străinătate declară detașarea înainte de începerea ei pe serviciul SIPSI al "
              "ministerului muncii; salariatul păstrează formularul A1 din țara sa.",
        "ar": "يصرح صاحب العمل المقيم في الخارج بالإيفاد قبل بدايته عبر خدمة SIPSI التابعة لوزارة العمل؛ ويحتفظ الأجير "
              "بالاستمارة A1 الصادرة في بلده.",
    }),
    "ehic": ("https://www.ameli.fr", {
        "fr": "avant le départ, demandez la carte européenne d'assurance maladie (gratuite, une par personne) à votre "
              "caisse, par exemple sur ameli.fr.",
        "en": "before you leave, ask your health insurance fund for the European Health Insurance Card (free, one per "
              "person), for example on ameli.fr.",
        "es": "antes de salir, pida a su caja la tarjeta sanitaria europea (gratuita, una por persona), por ejemplo en "
              "ameli.fr.",
        "de": "beantragen Sie vor der Abreise bei Ihrer Krankenkasse die Europäische Krankenversicherungskarte "
              "(kostenlos, eine pro Person), zum Beispiel auf ameli.fr.",
        "it": "prima di partire chieda alla sua cassa la tessera europea di assicurazione malattia (gratuita, una per "
              "persona), per esempio su ameli.fr.",
        "pt": "antes de partir, peça à sua caixa o Cartão Europeu de Seguro de Doença (gratuito, um por pessoa), por "
              "exemplo em ameli.fr.",
        "pl": "przed wyjazdem proszę wystąpić do swojej kasy o Europejską Kartę Ubezpieczenia Zdrowotnego (bezpłatna, "
              "jedna na osobę), np. na ameli.fr.",
        "ro": "înainte de plecare, cereți casei dumneavoastră cardul european de asigurări sociale de sănătate (gratuit, "
              "câte unul de persoană), de exemplu pe ameli.fr.",
        "ar": "قبل السفر، اطلبوا من صندوق التأمين الصحي البطاقة الأوروبية للتأمين الصحي (مجانية، بطاقة لكل شخص)، مثلا عبر "
              "ameli.fr.",
    }),
    "ehic_visitor": ("https://www.ameli.fr", {
        "fr": "avant de venir en France, demandez la carte européenne d'assurance maladie à l'organisme qui vous assure "
              "dans votre pays, et présentez-la aux soignants.",
        "en": "before coming to France, ask the institution that insures you at home for the European Health Insurance "
              "Card, and show it to the health professionals.",
        "es": "antes de venir a Francia, pida la tarjeta sanitaria europea al organismo que le asegura en su país y "
              "preséntela a los profesionales sanitarios.",
        "de": "beantragen Sie vor der Reise nach Frankreich die Europäische Krankenversicherungskarte bei Ihrem Träger "
              "im Heimatland und legen Sie sie bei der Behandlung vor.",
        "it": "prima di venire in Francia chieda la tessera europea all'ente che la assicura nel suo paese e la "
              "presenti ai sanitari.",
        "pt": "antes de vir para França, peça o Cartão Europeu de Seguro de Doença à instituição que o segura no seu "
              "país e apresente-o aos profissionais de saúde.",
        "pl": "przed przyjazdem do Francji proszę uzyskać Europejską Kartę Ubezpieczenia Zdrowotnego w instytucji, która "
              "ubezpiecza Pana/Panią w kraju, i okazać ją przy leczeniu.",
        "ro": "înainte de a veni în Franța, cereți cardul european de sănătate instituției care vă asigură în țara "
              "dumneavoastră și prezentați-l cadrelor medicale.",
        "ar": "قبل القدوم إلى فرنسا، اطلبوا البطاقة الأوروبية للتأمين الصحي من الهيئة التي تؤمنكم في بلدكم، وقدموها "
              "لمقدمي العلاج.",
    }),
    "s1": ("https://www.ameli.fr", {
        "fr": "demandez le formulaire S1 à la caisse qui vous couvre (pour un retraité, celle du pays qui verse la "
              "pension), puis inscrivez-le auprès de la caisse de votre lieu de résidence.",
        "en": "ask the fund that covers you (for a pensioner, that of the country paying the pension) for the S1 form, "
              "then register it with the institution where you live.",
        "es": "pida el formulario S1 a la caja que le cubre (para un jubilado, la del país que paga la pensión) y "
              "regístrelo en la institución de su lugar de residencia.",
        "de": "beantragen Sie das Formular S1 bei der Kasse, die Sie versichert (für Rentner: die des Landes, das die "
              "Rente zahlt), und lassen Sie es beim Träger Ihres Wohnorts eintragen.",
        "it": "chieda il modulo S1 alla cassa che la copre (per un pensionato, quella del paese che paga la pensione) e "
              "lo registri presso l'istituzione del luogo di residenza.",
        "pt": "peça o formulário S1 à caixa que o cobre (para um reformado, a do país que paga a pensão) e inscreva-o "
              "na instituição do seu local de residência.",
        "pl": "proszę wystąpić o formularz S1 do kasy, która Pana/Panią ubezpiecza (dla emeryta: kraju wypłacającego "
              "emeryturę), a następnie zarejestrować go w instytucji miejsca zamieszkania.",
        "ro": "cereți formularul S1 casei care vă asigură (pentru un pensionar, a țării care plătește pensia), apoi "
              "înregistrați-l la instituția din locul de reședință.",
        "ar": "اطلبوا الاستمارة S1 من الصندوق الذي يغطيكم (بالنسبة للمتقاعد، صندوق البلد الذي يدفع المعاش)، ثم سجلوها لدى "
              "هيئة مكان إقامتكم.",
    }),
    "s2": ("https://www.ameli.fr", {
        "fr": "avant les soins, demandez l'autorisation préalable (formulaire S2) à votre caisse ; le CLEISS, point de "
              "contact national, renseigne sur la voie de la directive 2011/24/UE.",
        "en": "before the treatment, ask your fund for prior authorisation (S2 form); the CLEISS, the national contact "
              "point, explains the Directive 2011/24/EU route.",
        "es": "antes del tratamiento, pida a su caja la autorización previa (formulario S2); el CLEISS, punto de "
              "contacto nacional, informa sobre la vía de la Directiva 2011/24/UE.",
        "de": "beantragen Sie vor der Behandlung bei Ihrer Kasse die vorherige Genehmigung (Formular S2); das CLEISS "
              "als nationale Kontaktstelle informiert über den Weg der Richtlinie 2011/24/EU.",
        "it": "prima delle cure chieda alla sua cassa l'autorizzazione preventiva (modulo S2); il CLEISS, punto di "
              "contatto nazionale, informa sulla via della direttiva 2011/24/UE.",
        "pt": "antes dos cuidados, peça à sua caixa a autorização prévia (formulário S2); o CLEISS, ponto de contacto "
              "nacional, informa sobre a via da Diretiva 2011/24/UE.",
        "pl": "przed leczeniem proszę wystąpić do kasy o uprzednią zgodę (formularz S2); CLEISS, krajowy punkt "
              "kontaktowy, informuje o drodze dyrektywy 2011/24/UE.",
        "ro": "înainte de tratament, cereți casei autorizarea prealabilă (formularul S2); CLEISS, punctul național de "
              "contact, informează despre calea Directivei 2011/24/UE.",
        "ar": "قبل العلاج، اطلبوا من صندوقكم الإذن المسبق (الاستمارة S2)؛ ويقدم CLEISS، نقطة الاتصال الوطنية، المعلومات عن "
              "مسار التوجيه 2011/24/UE.",
    }),
    "cfe": ("https://www.cfe.fr", {
        "fr": "renseignez-vous auprès de la Caisse des Français de l'étranger sur l'adhésion volontaire, avant le "
              "départ si possible (les droits s'ouvrent après un délai de stage).",
        "en": "ask the Caisse des Français de l'étranger about voluntary membership, before leaving if possible (rights "
              "start after a waiting period).",
        "es": "infórmese en la Caisse des Français de l'étranger sobre la afiliación voluntaria, si es posible antes de "
              "salir (los derechos se abren tras un periodo de carencia).",
        "de": "informieren Sie sich bei der Caisse des Français de l'étranger über die freiwillige Mitgliedschaft, "
              "möglichst vor der Abreise (Ansprüche beginnen nach einer Wartezeit).",
        "it": "si informi presso la Caisse des Français de l'étranger sull'adesione volontaria, se possibile prima della "
              "partenza (i diritti decorrono dopo un periodo di attesa).",
        "pt": "informe-se junto da Caisse des Français de l'étranger sobre a adesão voluntária, se possível antes de "
              "partir (os direitos abrem após um período de carência).",
        "pl": "proszę zapytać Caisse des Français de l'étranger o dobrowolne przystąpienie, najlepiej przed wyjazdem "
              "(prawa przysługują po okresie wyczekiwania).",
        "ro": "informați-vă la Caisse des Français de l'étranger despre asigurarea voluntară, dacă se poate înainte de "
              "plecare (drepturile se deschid după o perioadă de așteptare).",
        "ar": "استعلموا لدى صندوق الفرنسيين في الخارج (CFE) عن الانتساب الطوعي، قبل المغادرة إن أمكن (تبدأ الحقوق بعد فترة "
              "انتظار).",
    }),
    "impatriate": ("https://www.urssaf.fr", {
        "fr": "l'employeur adresse la demande conjointe à l'URSSAF au moins 60 jours avant l'affiliation en France, avec "
              "la preuve de la cotisation minimale.",
        "en": "the employer sends the joint request to URSSAF at least 60 days before affiliation in France, with proof "
              "of the minimum contribution.",
        "es": "el empleador envía la solicitud conjunta a la URSSAF al menos 60 días antes de la afiliación en Francia, "
              "con la prueba de la cotización mínima.",
        "de": "der Arbeitgeber richtet den gemeinsamen Antrag mindestens 60 Tage vor der Anmeldung in Frankreich an die "
              "URSSAF, mit dem Nachweis des Mindestbeitrags.",
        "it": "il datore di lavoro invia la domanda congiunta all'URSSAF almeno 60 giorni prima dell'iscrizione in "
              "Francia, con la prova del contributo minimo.",
        "pt": "o empregador envia o pedido conjunto à URSSAF pelo menos 60 dias antes da inscrição em França, com a prova "
              "da contribuição mínima.",
        "pl": "pracodawca składa wspólny wniosek w URSSAF co najmniej 60 dni przed zgłoszeniem do ubezpieczenia we "
              "Francji, z dowodem minimalnej składki.",
        "ro": "angajatorul trimite cererea comună la URSSAF cu cel puțin 60 de zile înainte de afilierea în Franța, cu "
              "dovada contribuției minime.",
        "ar": "يرسل صاحب العمل الطلب المشترك إلى URSSAF قبل 60 يوما على الأقل من الانتساب في فرنسا، مع إثبات الاشتراك الأدنى.",
    }),
    "unemployment": ("https://www.francetravail.fr", {
        "fr": "inscrivez-vous auprès du service de l'emploi compétent (France Travail en France) ; demandez le document "
              "U1 pour les périodes accomplies à l'étranger, ou le U2 avant de chercher un emploi dans un autre pays.",
        "en": "register with the competent employment service (France Travail in France); ask for the U1 document for "
              "periods completed abroad, or the U2 before looking for work in another country.",
        "es": "inscríbase en el servicio de empleo competente (France Travail en Francia); pida el documento U1 para los "
              "periodos cumplidos en el extranjero, o el U2 antes de buscar empleo en otro país.",
        "de": "melden Sie sich bei der zuständigen Arbeitsverwaltung (France Travail in Frankreich); beantragen Sie das "
              "Dokument U1 für Zeiten im Ausland oder das U2, bevor Sie in einem anderen Land Arbeit suchen.",
        "it": "si iscriva al servizio per l'impiego competente (France Travail in Francia); chieda il documento U1 per "
              "i periodi svolti all'estero, o l'U2 prima di cercare lavoro in un altro paese.",
        "pt": "inscreva-se no serviço de emprego competente (France Travail em França); peça o documento U1 para os "
              "períodos cumpridos no estrangeiro, ou o U2 antes de procurar emprego noutro país.",
        "pl": "proszę zarejestrować się we właściwym urzędzie pracy (France Travail we Francji); o dokument U1 dla "
              "okresów za granicą lub U2 przed poszukiwaniem pracy w innym kraju.",
        "ro": "înscrieți-vă la serviciul de ocupare competent (France Travail în Franța); cereți documentul U1 pentru "
              "perioadele din străinătate sau U2 înainte de a căuta de lucru în altă țară.",
        "ar": "سجلوا لدى مصلحة التشغيل المختصة (France Travail في فرنسا)؛ واطلبوا الوثيقة U1 للفترات المنجزة في الخارج، أو "
              "U2 قبل البحث عن عمل في بلد آخر.",
    }),
    "family": ("https://www.caf.fr", {
        "fr": "déclarez votre situation (pays de travail de chaque parent, lieu de résidence des enfants) à la CAF, qui "
              "se coordonne avec l'organisme de l'autre pays.",
        "en": "report your situation (each parent's country of work, where the children live) to the CAF, which "
              "coordinates with the other country's institution.",
        "es": "declare su situación (país de trabajo de cada progenitor, residencia de los hijos) a la CAF, que se "
              "coordina con el organismo del otro país.",
        "de": "melden Sie Ihre Lage (Arbeitsland jedes Elternteils, Wohnort der Kinder) der CAF, die sich mit dem Träger "
              "des anderen Landes abstimmt.",
        "it": "dichiari la sua situazione (paese di lavoro di ciascun genitore, residenza dei figli) alla CAF, che si "
              "coordina con l'ente dell'altro paese.",
        "pt": "declare a sua situação (país de trabalho de cada progenitor, residência dos filhos) à CAF, que se coordena "
              "com a instituição do outro país.",
        "pl": "proszę zgłosić swoją sytuację (kraj pracy każdego z rodziców, miejsce zamieszkania dzieci) w CAF, która "
              "współpracuje z instytucją drugiego kraju.",
        "ro": "declarați situația (țara de muncă a fiecărui părinte, reședința copiilor) la CAF, care se coordonează cu "
              "instituția celeilalte țări.",
        "ar": "صرحوا بوضعكم (بلد عمل كل والد، ومكان إقامة الأطفال) لدى CAF، التي تنسق مع هيئة البلد الآخر.",
    }),
    "pensions": ("https://www.lassuranceretraite.fr", {
        "fr": "déposez une seule demande de retraite auprès de l'organisme de votre pays de résidence (en France, votre "
              "caisse de retraite) : elle vaut pour tous les pays où vous avez travaillé.",
        "en": "file a single pension claim with the institution of your country of residence (in France, your pension "
              "fund): it counts for every country where you worked.",
        "es": "presente una única solicitud de pensión en el organismo de su país de residencia: vale para todos los "
              "países donde ha trabajado.",
        "de": "stellen Sie einen einzigen Rentenantrag beim Träger Ihres Wohnlandes: er gilt für alle Länder, in denen "
              "Sie gearbeitet haben.",
        "it": "presenti un'unica domanda di pensione all'ente del paese di residenza: vale per tutti i paesi in cui ha "
              "lavorato.",
        "pt": "apresente um único pedido de pensão na instituição do seu país de residência: vale para todos os países "
              "onde trabalhou.",
        "pl": "proszę złożyć jeden wniosek emerytalny w instytucji kraju zamieszkania: obowiązuje on we wszystkich "
              "krajach, w których Pan/Pani pracował(a).",
        "ro": "depuneți o singură cerere de pensie la instituția din țara de reședință: ea este valabilă pentru toate "
              "țările în care ați lucrat.",
        "ar": "قدموا طلب تقاعد واحدا لدى هيئة بلد إقامتكم: وهو صالح لكل البلدان التي عملتم فيها.",
    }),
    "multi_state": ("https://www.cleiss.fr", {
        "fr": "informez l'organisme désigné de votre pays de résidence : il détermine la législation applicable et le "
              "pays compétent délivre le formulaire A1.",
        "en": "inform the designated institution of your country of residence: it determines the applicable "
              "legislation, and the competent country issues the A1 form.",
        "es": "informe al organismo designado de su país de residencia: determina la legislación aplicable y el país "
              "competente expide el formulario A1.",
        "de": "informieren Sie den zuständigen Träger Ihres Wohnlandes: er bestimmt das anzuwendende Recht, und das "
              "zuständige Land stellt das Formular A1 aus.",
        "it": "informi l'ente designato del suo paese di residenza: determina la legislazione applicabile e il paese "
              "competente rilascia il modulo A1.",
        "pt": "informe a instituição designada do seu país de residência: ela determina a legislação aplicável e o país "
              "competente emite o formulário A1.",
        "pl": "proszę poinformować wyznaczoną instytucję kraju zamieszkania: ustala ona właściwe ustawodawstwo, a "
              "właściwy kraj wydaje formularz A1.",
        "ro": "informați instituția desemnată din țara de reședință: ea stabilește legislația aplicabilă, iar țara "
              "competentă emite formularul A1.",
        "ar": "أبلغوا الهيئة المعينة في بلد إقامتكم: فهي تحدد التشريع المطبق، ويصدر البلد المختص الاستمارة A1.",
    }),
    "adviser": ("https://www.cleiss.fr", {
        "fr": "pour votre cas précis, un conseiller du CLEISS peut vous répondre : bouton « Parler à une personne ».",
        "en": "for your own case, a CLEISS adviser can answer you: use the “Talk to a person” button.",
        "es": "para su caso concreto, un asesor del CLEISS puede responderle: botón «Hablar con una persona».",
        "de": "für Ihren konkreten Fall kann Ihnen eine Beraterin oder ein Berater des CLEISS antworten: Schaltfläche "
              "„Mit einer Person sprechen“.",
        "it": "per il suo caso preciso un consulente del CLEISS può risponderle: pulsante «Parlare con una persona».",
        "pt": "para o seu caso concreto, um conselheiro do CLEISS pode responder-lhe: botão «Falar com uma pessoa».",
        "pl": "w Pana/Pani konkretnej sprawie odpowie doradca CLEISS: przycisk „Porozmawiaj z osobą”.",
        "ro": "pentru cazul dumneavoastră, un consilier CLEISS vă poate răspunde: butonul „Vorbiți cu o persoană”.",
        "ar": "بالنسبة لحالتكم الخاصة، يمكن لمستشار في CLEISS الرد عليكم: زر «التحدث إلى شخص».",
    }),
}
STEP_URLS = tuple(sorted({url for url, _ in STEPS.values()}))

# Leading line of a follow-up that names a new place: the regime that place falls under.
PLACE_LEAD = {
    "eu": {"fr": "{place} : État où s'appliquent les règlements européens de coordination (UE, EEE, Suisse).",
           "en": "{place}: a country where the EU coordination regulations apply (EU, EEA, Switzerland).",
           "es": "{place}: país donde se aplican los reglamentos europeos de coordinación (UE, EEE, Suiza).",
           "de": "{place}: ein Land, in dem die EU-Koordinierungsverordnungen gelten (EU, EWR, Schweiz).",
           "it": "{place}: paese in cui si applicano i regolamenti europei di coordinamento (UE, SEE, Svizzera).",
           "pt": "{place}: país onde se aplicam os regulamentos europeus de coordenação (UE, EEE, Suíça).",
           "pl": "{place}: kraj, w którym stosuje się unijne rozporządzenia koordynacyjne (UE, EOG, Szwajcaria).",
           "ro": "{place}: țară în care se aplică regulamentele europene de coordonare (UE, SEE, Elveția).",
           "ar": "{place}: بلد تطبق فيه لوائح التنسيق الأوروبية (الاتحاد الأوروبي، المنطقة الاقتصادية الأوروبية، سويسرا)."},
    "territory": {"fr": "{place} : territoire français doté de son propre régime, coordonné avec la métropole par un texte particulier.",
                  "en": "{place}: a French territory with its own scheme, coordinated with mainland France by a specific text.",
                  "es": "{place}: territorio francés con régimen propio, coordinado con la Francia metropolitana por un texto específico.",
                  "de": "{place}: französisches Gebiet mit eigenem System, mit dem Mutterland durch einen besonderen Text koordiniert.",
                  "it": "{place}: territorio francese con un proprio regime, coordinato con la Francia metropolitana da un testo specifico.",
                  "pt": "{place}: território francês com regime próprio, coordenado com a França metropolitana por um texto específico.",
                  "pl": "{place}: terytorium francuskie z własnym systemem, skoordynowanym z Francją metropolitalną odrębnym aktem.",
                  "ro": "{place}: teritoriu francez cu regim propriu, coordonat cu Franța metropolitană printr-un text specific.",
                  "ar": "{place}: إقليم فرنسي له نظامه الخاص، منسق مع فرنسا القارية بنص خاص."},
    "other": {"fr": "{place} : pays hors Union européenne ; les règles dépendent de l'existence d'une convention de sécurité sociale avec la France.",
              "en": "{place}: a country outside the European Union; the rules depend on whether it has a social security agreement with France.",
              "es": "{place}: país fuera de la Unión Europea; las reglas dependen de que exista un convenio de seguridad social con Francia.",
              "de": "{place}: ein Land außerhalb der Europäischen Union; die Regeln hängen davon ab, ob ein Sozialversicherungsabkommen mit Frankreich besteht.",
              "it": "{place}: paese fuori dall'Unione europea; le regole dipendono dall'esistenza di una convenzione di sicurezza sociale con la Francia.",
              "pt": "{place}: país fora da União Europeia; as regras dependem da existência de uma convenção de segurança social com a França.",
              "pl": "{place}: kraj spoza Unii Europejskiej; zasady zależą od tego, czy łączy go z Francją umowa o zabezpieczeniu społecznym.",
              "ro": "{place}: țară din afara Uniunii Europene; regulile depind de existența unui acord de securitate socială cu Franța.",
              "ar": "{place}: بلد خارج الاتحاد الأوروبي؛ تتوقف القواعد على وجود اتفاقية ضمان اجتماعي مع فرنسا."},
}

_PLANNED = re.compile(r"\b(opere|operer|operation|opera|operac|operaz|operier|chirurg|cirurg|surgery|programm|planned|"
                      r"prevu|prevus|prevue|autorisation prealable|prior authori|s2|geplant|pianific|zabieg|interven)")
_RESIDENCE = re.compile(r"\b(retraite|retraites|pensionn|pensioner|retire|jubilad|reformad|pensionat|rentner|emeryt|"
                        r"pensionar|vivre|live|living|vivir|viver|vivere|wohne|resid|install|frontal|frontier|"
                        r"fronteri|grenzg|transfront|s1|moving|move to|mudo|trasferisco|ziehe)")
_VISITOR = re.compile(r"\b(en vacances en france|in france on holiday|visiting france|vacances a paris|en france$|"
                      r"urlaub in frankreich|vacaciones en francia|vacanza in francia|ferias em franca|"
                      r"wakacjach we francji|vacanta in franta)")
_UNEMPLOYMENT = re.compile(r"\b(chomage|chomeur|demandeur d.emploi|unemploy|jobseeker|desemple|desempreg|arbeitslos|"
                           r"disoccup|bezrobo|somaj|naspi|u1|u2)")
_MULTI = re.compile(r"\b(plusieurs (pays|etats)|deux (pays|etats)|several (countries|states)|two countries|"
                    r"dos paises|due paesi|zwei lander|gleichzeitig|a la vez|contemporaneamente|ao mesmo tempo)")
# Colloquial ways of saying "my employer sends me" (a posting) the coarse topic rules do not catch.
_SENT = re.compile(r"\b(m.envoie|m.envoient|envoie un salarie|envoyer un salarie|sends me|sending me|send me|is sending|"
                   r"me manda|me envia|mi manda|schickt mich|entsendet mich|me trimite|wysyla mnie|vai destacar|"
                   r"mission de \d+ mois)")
_CARE = re.compile(r"\b(opere|operer|operation|operac|operaz|operier|chirurg|cirurg|surgery|medecin|doctor|arzt|"
                   r"medico|lekarz|traitement|treatment|behandlung|tratamiento|tratamento|cure|ceam|ehic)")
_FAMILY = re.compile(r"\b(allocations? familiales?|prestations? familiales?|family benefit|child benefit|kindergeld|"
                     r"prestaciones familiares|assegni familiari|abono de familia|swiadczenia rodzinne|alocatii)")


@dataclass(frozen=True)
class NextStep:
    situation: str
    text: str
    url: str


def situation_of(query: str) -> str:
    """The step-defining situation of a (resolved) question."""
    from assistant.direction import IN, question_direction

    folded = fold(query)
    topic = topic_of(query)
    places = [c for c in places_in(query) if c != "FR"]
    if topic == "impatriates":
        return "impatriate"
    if _UNEMPLOYMENT.search(folded):
        return "unemployment"
    if _FAMILY.search(folded) or topic == "family_benefits":
        return "family"
    if topic in ("healthcare_abroad", "cross_border_healthcare") or _CARE.search(folded):
        if _VISITOR.search(folded) or (question_direction(query) == IN):
            return "ehic_visitor"
        if _PLANNED.search(folded):
            return "s2"
        if _RESIDENCE.search(folded):
            return "s1"
        return "ehic"
    if _MULTI.search(folded):
        return "multi_state"
    if topic == "territories" or any(c in TERRITORIES for c in places):
        return "adviser"
    if topic == "posting" or _SENT.search(folded):
        if question_direction(query) == IN:
            return "posted_into_france"
        if places and not any(c in EU_EEA_CH for c in places):
            return "posting_outside"
        return "posting_eu"
    if topic == "expatriation":
        return "cfe"
    if topic == "pensions":
        return "pensions"
    return "adviser"


def next_step(query: str, language: str) -> NextStep:
    situation = situation_of(query)
    url, texts = STEPS[situation]
    lang = language if language in texts else "fr"
    return NextStep(situation, f"{LABEL[lang]} : {texts[lang]} {url}" if lang == "fr"
                    else f"{LABEL[lang]}: {texts[lang]} {url}", url)


def place_lead(codes: list[str], language: str) -> str:
    """One line per place a follow-up brings in, naming the regime it falls under."""
    lang = language if language in PLACE_LEAD["eu"] else "fr"
    lines = []
    for code in codes:
        if code == "FR":
            continue
        kind = "territory" if code in TERRITORIES else "eu" if code in EU_EEA_CH else "other"
        lines.append(PLACE_LEAD[kind][lang].format(place=display_name(code, lang)))
    return "\n".join(lines)
