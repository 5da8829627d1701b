/*
 * Liaison chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-api-base="https://HOST" data-lang="fr"
 *           data-title="Assistant" defer></script>
 * Renders in a shadow DOM (host-page styles neither leak in nor out), needs no build step, and runs
 * under a strict Content-Security-Policy: no inline script, no eval, no innerHTML of server text.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__liaisonWidgetLoaded) { return; }
  window.__liaisonWidgetLoaded = true;

  var VERSION = 1;
  var MAX_QUESTION = 2000;
  var HISTORY_TURNS = 10;
  var scriptUrl = new URL(script.src, document.baseURI);
  var apiBase = (script.getAttribute("data-api-base") || scriptUrl.origin).replace(/\/+$/, "");
  var cssUrl = new URL("widget.css", scriptUrl).href;
  var configuredTitle = script.getAttribute("data-title") || "";
  var storageKey = "liaison-widget:" + apiBase;

  var I18N = {
    fr: {
      launcher: "Poser une question",
      defaultTitle: "Assistant sécurité sociale internationale",
      languageLabel: "Langue de l'assistant",
      close: "Fermer l'assistant",
      newConversation: "Nouvelle conversation",
      intro: "Bonjour. Je réponds à partir des textes officiels (règlements européens, conventions, code de la " +
        "sécurité sociale, fiches service-public.fr) et je cite mes sources. Je ne remplace pas une décision " +
        "de votre caisse. N'écrivez pas de données personnelles (numéro de sécurité sociale, IBAN…).",
      conversation: "Conversation",
      questionLabel: "Votre question",
      placeholder: "Écrivez votre question",
      send: "Envoyer",
      stop: "Arrêter",
      you: "Vous",
      assistant: "Assistant",
      thinking: "L'assistant rédige sa réponse…",
      answered: "Réponse reçue.",
      stopped: "Réponse interrompue.",
      sources: "Sources",
      sourceN: "Source {n} : {title}",
      newTab: "(nouvel onglet)",
      empty: "Écrivez votre question avant d'envoyer.",
      tooLong: "Votre question est trop longue (2 000 caractères au plus).",
      errRate: "Trop de questions en peu de temps. Réessayez dans une minute.",
      errInvalid: "Votre question n'a pas pu être traitée. Reformulez-la plus simplement.",
      errServer: "Le service est momentanément indisponible. Votre question est restée dans la zone de saisie : " +
        "réessayez dans un instant.",
      errNetwork: "Connexion impossible avec le service. Vérifiez votre connexion puis réessayez.",
      feedbackQ: "Cette réponse vous a-t-elle aidé ?",
      yes: "Oui",
      no: "Non",
      reasonLegend: "Qu'est-ce qui n'allait pas ?",
      reasons: { wrong: "La réponse est inexacte", no_source: "Pas de source ou source inadaptée",
        too_long: "Trop longue ou difficile à lire", other: "Autre raison" },
      commentLabel: "Commentaire (facultatif, sans données personnelles)",
      sendFeedback: "Envoyer mon avis",
      thanks: "Merci pour votre avis.",
      feedbackError: "Votre avis n'a pas pu être envoyé. Réessayez.",
      human: "Parler à une personne",
      humanSuggested: "Un agent peut étudier votre situation : transmettez-lui votre demande.",
      handoverTitle: "Transmettre ma demande à un agent",
      handoverIntro: "Un agent vous répondra par e-mail ou par téléphone. Votre conversation avec l'assistant " +
        "lui sera transmise avec votre message.",
      name: "Nom et prénom",
      email: "Adresse e-mail",
      phone: "Téléphone (facultatif)",
      message: "Votre demande",
      messageHint: "Décrivez votre situation : pays, dates, employeur, démarche déjà faite.",
      consent: "J'accepte que ma conversation et mes coordonnées soient transmises à un agent pour traiter ma " +
        "demande.",
      required: "(obligatoire)",
      submitHandover: "Envoyer ma demande",
      cancel: "Annuler",
      errRequired: "Ce champ est obligatoire.",
      errEmail: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
      errPhone: "Saisissez un numéro de téléphone valide.",
      errConsent: "Cochez cette case pour transmettre votre demande.",
      errField: "Vérifiez ce champ.",
      errForm: "La demande n'a pas été envoyée : corrigez les champs signalés.",
      handoverSent: "Votre demande a été transmise à un agent. Votre numéro de référence est {ref}. " +
        "Notez-le : il vous sera demandé pour tout échange.",
      restored: "Conversation reprise.",
      cleared: "Nouvelle conversation commencée."
    },
    en: {
      launcher: "Ask a question",
      defaultTitle: "International social security assistant",
      languageLabel: "Assistant language",
      close: "Close the assistant",
      newConversation: "New conversation",
      intro: "Hello. I answer from official texts (EU regulations, agreements, the French Social Security Code, " +
        "service-public.fr guides) and cite my sources. I do not replace a decision by your insurance fund. " +
        "Do not write personal data (social security number, IBAN…).",
      conversation: "Conversation",
      questionLabel: "Your question",
      placeholder: "Type your question",
      send: "Send",
      stop: "Stop",
      you: "You",
      assistant: "Assistant",
      thinking: "The assistant is writing its answer…",
      answered: "Answer received.",
      stopped: "Answer stopped.",
      sources: "Sources",
      sourceN: "Source {n}: {title}",
      newTab: "(new tab)",
      empty: "Write your question before sending.",
      tooLong: "Your question is too long (2,000 characters at most).",
      errRate: "Too many questions in a short time. Please try again in a minute.",
      errInvalid: "Your question could not be processed. Please rephrase it more simply.",
      errServer: "The service is temporarily unavailable. Your question is still in the input box: try again " +
        "in a moment.",
      errNetwork: "Cannot reach the service. Check your connection and try again.",
      feedbackQ: "Was this answer helpful?",
      yes: "Yes",
      no: "No",
      reasonLegend: "What was wrong?",
      reasons: { wrong: "The answer is wrong", no_source: "No source or wrong source",
        too_long: "Too long or hard to read", other: "Another reason" },
      commentLabel: "Comment (optional, no personal data)",
      sendFeedback: "Send my feedback",
      thanks: "Thank you for your feedback.",
      feedbackError: "Your feedback could not be sent. Please try again.",
      human: "Talk to a person",
      humanSuggested: "An officer can look at your situation: send them your request.",
      handoverTitle: "Send my request to an officer",
      handoverIntro: "An officer will answer you by e-mail or phone. Your conversation with the assistant is " +
        "sent along with your message.",
      name: "Full name",
      email: "E-mail address",
      phone: "Phone (optional)",
      message: "Your request",
      messageHint: "Describe your situation: countries, dates, employer, steps already taken.",
      consent: "I agree that my conversation and contact details are passed to an officer to handle my request.",
      required: "(required)",
      submitHandover: "Send my request",
      cancel: "Cancel",
      errRequired: "This field is required.",
      errEmail: "Enter a valid e-mail address, for example name@example.com.",
      errPhone: "Enter a valid phone number.",
      errConsent: "Tick this box to send your request.",
      errField: "Check this field.",
      errForm: "The request was not sent: correct the fields marked.",
      handoverSent: "Your request has been passed to an officer. Your reference number is {ref}. Keep it: you " +
        "will be asked for it in any exchange.",
      restored: "Conversation resumed.",
      cleared: "New conversation started."
    },
    es: {
      launcher: "Hacer una pregunta",
      defaultTitle: "Asistente de seguridad social internacional",
      languageLabel: "Idioma del asistente",
      close: "Cerrar el asistente",
      newConversation: "Nueva conversación",
      intro: "Hola. Respondo a partir de los textos oficiales (reglamentos europeos, convenios, código de la seguridad " +
        "social francés, fichas de service-public.fr) y cito mis fuentes. No sustituyo una decisión de su caja. " +
        "No escriba datos personales (número de seguridad social, IBAN…).",
      conversation: "Conversación",
      questionLabel: "Su pregunta",
      placeholder: "Escriba su pregunta",
      send: "Enviar",
      stop: "Detener",
      you: "Usted",
      assistant: "Asistente",
      thinking: "El asistente está redactando su respuesta…",
      answered: "Respuesta recibida.",
      stopped: "Respuesta interrumpida.",
      sources: "Fuentes",
      sourceN: "Fuente {n}: {title}",
      newTab: "(nueva pestaña)",
      empty: "Escriba su pregunta antes de enviarla.",
      tooLong: "Su pregunta es demasiado larga (2 000 caracteres como máximo).",
      errRate: "Demasiadas preguntas en poco tiempo. Vuelva a intentarlo dentro de un minuto.",
      errInvalid: "No se ha podido procesar su pregunta. Formúlela de forma más sencilla.",
      errServer: "El servicio no está disponible por el momento. Su pregunta sigue en la zona de escritura: " +
        "vuelva a intentarlo en un instante.",
      errNetwork: "No se puede conectar con el servicio. Compruebe su conexión y vuelva a intentarlo.",
      feedbackQ: "¿Le ha sido útil esta respuesta?",
      yes: "Sí",
      no: "No",
      reasonLegend: "¿Qué no estaba bien?",
      reasons: { wrong: "La respuesta es inexacta", no_source: "Sin fuente o fuente inadecuada",
        too_long: "Demasiado larga o difícil de leer", other: "Otro motivo" },
      commentLabel: "Comentario (opcional, sin datos personales)",
      sendFeedback: "Enviar mi opinión",
      thanks: "Gracias por su opinión.",
      feedbackError: "No se ha podido enviar su opinión. Vuelva a intentarlo.",
      human: "Hablar con una persona",
      humanSuggested: "Un agente puede estudiar su situación: envíele su solicitud.",
      handoverTitle: "Enviar mi solicitud a un agente",
      handoverIntro: "Un agente le responderá por correo electrónico o por teléfono. Su conversación con el asistente " +
        "se le transmitirá junto con su mensaje.",
      name: "Nombre y apellidos",
      email: "Correo electrónico",
      phone: "Teléfono (opcional)",
      message: "Su solicitud",
      messageHint: "Describa su situación: países, fechas, empleador, trámites ya realizados.",
      consent: "Acepto que mi conversación y mis datos de contacto se transmitan a un agente para tramitar mi solicitud.",
      required: "(obligatorio)",
      submitHandover: "Enviar mi solicitud",
      cancel: "Cancelar",
      errRequired: "Este campo es obligatorio.",
      errEmail: "Introduzca un correo electrónico válido, por ejemplo nombre@ejemplo.es.",
      errPhone: "Introduzca un número de teléfono válido.",
      errConsent: "Marque esta casilla para enviar su solicitud.",
      errField: "Compruebe este campo.",
      errForm: "La solicitud no se ha enviado: corrija los campos indicados.",
      handoverSent: "Su solicitud se ha transmitido a un agente. Su número de referencia es {ref}. Anótelo: se le " +
        "pedirá en cualquier intercambio.",
      restored: "Conversación reanudada.",
      cleared: "Nueva conversación iniciada."
    },
    de: {
      launcher: "Eine Frage stellen",
      defaultTitle: "Assistent für internationale soziale Sicherheit",
      languageLabel: "Sprache des Assistenten",
      close: "Assistenten schließen",
      newConversation: "Neues Gespräch",
      intro: "Guten Tag. Ich antworte auf Grundlage amtlicher Texte (EU-Verordnungen, Abkommen, französisches " +
        "Sozialgesetzbuch, Merkblätter von service-public.fr) und nenne meine Quellen. Ich ersetze keine " +
        "Entscheidung Ihrer Kasse. Schreiben Sie keine personenbezogenen Daten (Sozialversicherungsnummer, IBAN…).",
      conversation: "Gespräch",
      questionLabel: "Ihre Frage",
      placeholder: "Schreiben Sie Ihre Frage",
      send: "Senden",
      stop: "Anhalten",
      you: "Sie",
      assistant: "Assistent",
      thinking: "Der Assistent schreibt seine Antwort…",
      answered: "Antwort erhalten.",
      stopped: "Antwort abgebrochen.",
      sources: "Quellen",
      sourceN: "Quelle {n}: {title}",
      newTab: "(neuer Tab)",
      empty: "Schreiben Sie Ihre Frage, bevor Sie senden.",
      tooLong: "Ihre Frage ist zu lang (höchstens 2 000 Zeichen).",
      errRate: "Zu viele Fragen in kurzer Zeit. Versuchen Sie es in einer Minute erneut.",
      errInvalid: "Ihre Frage konnte nicht verarbeitet werden. Formulieren Sie sie einfacher.",
      errServer: "Der Dienst ist vorübergehend nicht verfügbar. Ihre Frage steht noch im Eingabefeld: " +
        "versuchen Sie es gleich noch einmal.",
      errNetwork: "Keine Verbindung zum Dienst. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
      feedbackQ: "War diese Antwort hilfreich?",
      yes: "Ja",
      no: "Nein",
      reasonLegend: "Was war nicht in Ordnung?",
      reasons: { wrong: "Die Antwort ist falsch", no_source: "Keine oder unpassende Quelle",
        too_long: "Zu lang oder schwer zu lesen", other: "Anderer Grund" },
      commentLabel: "Kommentar (freiwillig, ohne personenbezogene Daten)",
      sendFeedback: "Meine Bewertung senden",
      thanks: "Vielen Dank für Ihre Bewertung.",
      feedbackError: "Ihre Bewertung konnte nicht gesendet werden. Versuchen Sie es erneut.",
      human: "Mit einer Person sprechen",
      humanSuggested: "Eine Sachbearbeiterin oder ein Sachbearbeiter kann Ihre Lage prüfen: senden Sie Ihre Anfrage.",
      handoverTitle: "Meine Anfrage an eine Person senden",
      handoverIntro: "Sie erhalten eine Antwort per E-Mail oder Telefon. Ihr Gespräch mit dem Assistenten wird mit " +
        "Ihrer Nachricht übermittelt.",
      name: "Vor- und Nachname",
      email: "E-Mail-Adresse",
      phone: "Telefon (freiwillig)",
      message: "Ihre Anfrage",
      messageHint: "Beschreiben Sie Ihre Lage: Länder, Daten, Arbeitgeber, bereits unternommene Schritte.",
      consent: "Ich bin einverstanden, dass mein Gespräch und meine Kontaktdaten zur Bearbeitung meiner Anfrage " +
        "weitergegeben werden.",
      required: "(Pflichtfeld)",
      submitHandover: "Meine Anfrage senden",
      cancel: "Abbrechen",
      errRequired: "Dieses Feld ist erforderlich.",
      errEmail: "Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de.",
      errPhone: "Geben Sie eine gültige Telefonnummer ein.",
      errConsent: "Kreuzen Sie dieses Feld an, um Ihre Anfrage zu senden.",
      errField: "Prüfen Sie dieses Feld.",
      errForm: "Die Anfrage wurde nicht gesendet: Korrigieren Sie die markierten Felder.",
      handoverSent: "Ihre Anfrage wurde weitergeleitet. Ihre Referenznummer lautet {ref}. Notieren Sie sie: Sie " +
        "wird bei jedem Kontakt verlangt.",
      restored: "Gespräch fortgesetzt.",
      cleared: "Neues Gespräch begonnen."
    },
    it: {
      launcher: "Fai una domanda",
      defaultTitle: "Assistente per la sicurezza sociale internazionale",
      languageLabel: "Lingua dell'assistente",
      close: "Chiudi l'assistente",
      newConversation: "Nuova conversazione",
      intro: "Buongiorno. Rispondo sulla base dei testi ufficiali (regolamenti europei, convenzioni, codice francese " +
        "della sicurezza sociale, schede di service-public.fr) e cito le mie fonti. Non sostituisco una decisione " +
        "della sua cassa. Non scriva dati personali (numero di previdenza sociale, IBAN…).",
      conversation: "Conversazione",
      questionLabel: "La sua domanda",
      placeholder: "Scriva la sua domanda",
      send: "Invia",
      stop: "Interrompi",
      you: "Lei",
      assistant: "Assistente",
      thinking: "L'assistente sta scrivendo la risposta…",
      answered: "Risposta ricevuta.",
      stopped: "Risposta interrotta.",
      sources: "Fonti",
      sourceN: "Fonte {n}: {title}",
      newTab: "(nuova scheda)",
      empty: "Scriva la sua domanda prima di inviarla.",
      tooLong: "La domanda è troppo lunga (al massimo 2 000 caratteri).",
      errRate: "Troppe domande in poco tempo. Riprovi tra un minuto.",
      errInvalid: "Non è stato possibile elaborare la domanda. La riformuli in modo più semplice.",
      errServer: "Il servizio è momentaneamente non disponibile. La domanda è rimasta nella casella di testo: " +
        "riprovi tra un istante.",
      errNetwork: "Impossibile collegarsi al servizio. Verifichi la connessione e riprovi.",
      feedbackQ: "Questa risposta le è stata utile?",
      yes: "Sì",
      no: "No",
      reasonLegend: "Che cosa non andava?",
      reasons: { wrong: "La risposta è inesatta", no_source: "Nessuna fonte o fonte non adatta",
        too_long: "Troppo lunga o difficile da leggere", other: "Altro motivo" },
      commentLabel: "Commento (facoltativo, senza dati personali)",
      sendFeedback: "Invia il mio parere",
      thanks: "Grazie per il suo parere.",
      feedbackError: "Non è stato possibile inviare il suo parere. Riprovi.",
      human: "Parlare con una persona",
      humanSuggested: "Un operatore può esaminare la sua situazione: gli invii la sua richiesta.",
      handoverTitle: "Inviare la mia richiesta a un operatore",
      handoverIntro: "Un operatore le risponderà per e-mail o per telefono. La conversazione con l'assistente gli " +
        "sarà trasmessa insieme al suo messaggio.",
      name: "Nome e cognome",
      email: "Indirizzo e-mail",
      phone: "Telefono (facoltativo)",
      message: "La sua richiesta",
      messageHint: "Descriva la sua situazione: paesi, date, datore di lavoro, pratiche già svolte.",
      consent: "Accetto che la mia conversazione e i miei recapiti siano trasmessi a un operatore per trattare la " +
        "mia richiesta.",
      required: "(obbligatorio)",
      submitHandover: "Invia la mia richiesta",
      cancel: "Annulla",
      errRequired: "Questo campo è obbligatorio.",
      errEmail: "Inserisca un indirizzo e-mail valido, per esempio nome@esempio.it.",
      errPhone: "Inserisca un numero di telefono valido.",
      errConsent: "Selezioni questa casella per inviare la richiesta.",
      errField: "Verifichi questo campo.",
      errForm: "La richiesta non è stata inviata: corregga i campi segnalati.",
      handoverSent: "La sua richiesta è stata trasmessa a un operatore. Il suo numero di riferimento è {ref}. Lo " +
        "annoti: le sarà chiesto in ogni scambio.",
      restored: "Conversazione ripresa.",
      cleared: "Nuova conversazione iniziata."
    },
    pt: {
      launcher: "Fazer uma pergunta",
      defaultTitle: "Assistente de segurança social internacional",
      languageLabel: "Língua do assistente",
      close: "Fechar o assistente",
      newConversation: "Nova conversa",
      intro: "Olá. Respondo com base nos textos oficiais (regulamentos europeus, convenções, código francês da " +
        "segurança social, fichas de service-public.fr) e cito as minhas fontes. Não substituo uma decisão da sua " +
        "caixa. Não escreva dados pessoais (número de segurança social, IBAN…).",
      conversation: "Conversa",
      questionLabel: "A sua pergunta",
      placeholder: "Escreva a sua pergunta",
      send: "Enviar",
      stop: "Parar",
      you: "Você",
      assistant: "Assistente",
      thinking: "O assistente está a redigir a resposta…",
      answered: "Resposta recebida.",
      stopped: "Resposta interrompida.",
      sources: "Fontes",
      sourceN: "Fonte {n}: {title}",
      newTab: "(novo separador)",
      empty: "Escreva a sua pergunta antes de enviar.",
      tooLong: "A sua pergunta é demasiado longa (2 000 caracteres no máximo).",
      errRate: "Demasiadas perguntas em pouco tempo. Tente novamente dentro de um minuto.",
      errInvalid: "Não foi possível tratar a sua pergunta. Reformule-a de forma mais simples.",
      errServer: "O serviço está temporariamente indisponível. A sua pergunta continua na caixa de texto: " +
        "tente novamente dentro de instantes.",
      errNetwork: "Não é possível ligar ao serviço. Verifique a sua ligação e tente novamente.",
      feedbackQ: "Esta resposta foi útil?",
      yes: "Sim",
      no: "Não",
      reasonLegend: "O que não estava bem?",
      reasons: { wrong: "A resposta está errada", no_source: "Sem fonte ou fonte inadequada",
        too_long: "Demasiado longa ou difícil de ler", other: "Outro motivo" },
      commentLabel: "Comentário (facultativo, sem dados pessoais)",
      sendFeedback: "Enviar a minha opinião",
      thanks: "Obrigado pela sua opinião.",
      feedbackError: "Não foi possível enviar a sua opinião. Tente novamente.",
      human: "Falar com uma pessoa",
      humanSuggested: "Um agente pode analisar a sua situação: envie-lhe o seu pedido.",
      handoverTitle: "Enviar o meu pedido a um agente",
      handoverIntro: "Um agente responder-lhe-á por e-mail ou por telefone. A sua conversa com o assistente será " +
        "transmitida com a sua mensagem.",
      name: "Nome completo",
      email: "Endereço de e-mail",
      phone: "Telefone (facultativo)",
      message: "O seu pedido",
      messageHint: "Descreva a sua situação: países, datas, empregador, diligências já efetuadas.",
      consent: "Aceito que a minha conversa e os meus contactos sejam transmitidos a um agente para tratar o meu pedido.",
      required: "(obrigatório)",
      submitHandover: "Enviar o meu pedido",
      cancel: "Cancelar",
      errRequired: "Este campo é obrigatório.",
      errEmail: "Introduza um endereço de e-mail válido, por exemplo nome@exemplo.pt.",
      errPhone: "Introduza um número de telefone válido.",
      errConsent: "Assinale esta caixa para enviar o seu pedido.",
      errField: "Verifique este campo.",
      errForm: "O pedido não foi enviado: corrija os campos assinalados.",
      handoverSent: "O seu pedido foi transmitido a um agente. O seu número de referência é {ref}. Anote-o: ser-lhe-á " +
        "pedido em qualquer contacto.",
      restored: "Conversa retomada.",
      cleared: "Nova conversa iniciada."
    },
    pl: {
      launcher: "Zadaj pytanie",
      defaultTitle: "Asystent ds. międzynarodowego zabezpieczenia społecznego",
      languageLabel: "Język asystenta",
      close: "Zamknij asystenta",
      newConversation: "Nowa rozmowa",
      intro: "Dzień dobry. Odpowiadam na podstawie tekstów urzędowych (rozporządzenia UE, umowy, francuski kodeks " +
        "zabezpieczenia społecznego, karty service-public.fr) i podaję źródła. Nie zastępuję decyzji Pana/Pani kasy. " +
        "Proszę nie wpisywać danych osobowych (numer ubezpieczenia, IBAN…).",
      conversation: "Rozmowa",
      questionLabel: "Pana/Pani pytanie",
      placeholder: "Proszę wpisać pytanie",
      send: "Wyślij",
      stop: "Zatrzymaj",
      you: "Pan/Pani",
      assistant: "Asystent",
      thinking: "Asystent przygotowuje odpowiedź…",
      answered: "Otrzymano odpowiedź.",
      stopped: "Odpowiedź przerwana.",
      sources: "Źródła",
      sourceN: "Źródło {n}: {title}",
      newTab: "(nowa karta)",
      empty: "Proszę wpisać pytanie przed wysłaniem.",
      tooLong: "Pytanie jest za długie (najwyżej 2000 znaków).",
      errRate: "Zbyt wiele pytań w krótkim czasie. Proszę spróbować ponownie za minutę.",
      errInvalid: "Nie udało się przetworzyć pytania. Proszę sformułować je prościej.",
      errServer: "Usługa jest chwilowo niedostępna. Pytanie pozostało w polu tekstowym: proszę spróbować za chwilę.",
      errNetwork: "Brak połączenia z usługą. Proszę sprawdzić połączenie i spróbować ponownie.",
      feedbackQ: "Czy ta odpowiedź była pomocna?",
      yes: "Tak",
      no: "Nie",
      reasonLegend: "Co było nie tak?",
      reasons: { wrong: "Odpowiedź jest błędna", no_source: "Brak źródła lub niewłaściwe źródło",
        too_long: "Za długa lub trudna do przeczytania", other: "Inny powód" },
      commentLabel: "Komentarz (opcjonalny, bez danych osobowych)",
      sendFeedback: "Wyślij opinię",
      thanks: "Dziękujemy za opinię.",
      feedbackError: "Nie udało się wysłać opinii. Proszę spróbować ponownie.",
      human: "Porozmawiaj z osobą",
      humanSuggested: "Pracownik może przeanalizować Pana/Pani sytuację: proszę przesłać mu prośbę.",
      handoverTitle: "Przekaż moją prośbę pracownikowi",
      handoverIntro: "Pracownik odpowie e-mailem lub telefonicznie. Rozmowa z asystentem zostanie przekazana razem " +
        "z wiadomością.",
      name: "Imię i nazwisko",
      email: "Adres e-mail",
      phone: "Telefon (opcjonalnie)",
      message: "Pana/Pani prośba",
      messageHint: "Proszę opisać sytuację: kraje, daty, pracodawca, podjęte już kroki.",
      consent: "Zgadzam się na przekazanie mojej rozmowy i danych kontaktowych pracownikowi w celu rozpatrzenia prośby.",
      required: "(wymagane)",
      submitHandover: "Wyślij prośbę",
      cancel: "Anuluj",
      errRequired: "To pole jest wymagane.",
      errEmail: "Proszę podać prawidłowy adres e-mail, np. imie@przyklad.pl.",
      errPhone: "Proszę podać prawidłowy numer telefonu.",
      errConsent: "Proszę zaznaczyć to pole, aby wysłać prośbę.",
      errField: "Proszę sprawdzić to pole.",
      errForm: "Prośba nie została wysłana: proszę poprawić zaznaczone pola.",
      handoverSent: "Prośba została przekazana pracownikowi. Numer referencyjny: {ref}. Proszę go zanotować: będzie " +
        "potrzebny przy każdym kontakcie.",
      restored: "Wznowiono rozmowę.",
      cleared: "Rozpoczęto nową rozmowę."
    },
    ro: {
      launcher: "Puneți o întrebare",
      defaultTitle: "Asistent pentru securitate socială internațională",
      languageLabel: "Limba asistentului",
      close: "Închideți asistentul",
      newConversation: "Conversație nouă",
      intro: "Bună ziua. Răspund pe baza textelor oficiale (regulamente europene, convenții, codul francez al " +
        "securității sociale, fișe service-public.fr) și îmi citez sursele. Nu înlocuiesc o decizie a casei " +
        "dumneavoastră. Nu scrieți date personale (număr de asigurare socială, IBAN…).",
      conversation: "Conversație",
      questionLabel: "Întrebarea dumneavoastră",
      placeholder: "Scrieți întrebarea",
      send: "Trimiteți",
      stop: "Opriți",
      you: "Dumneavoastră",
      assistant: "Asistent",
      thinking: "Asistentul redactează răspunsul…",
      answered: "Răspuns primit.",
      stopped: "Răspuns întrerupt.",
      sources: "Surse",
      sourceN: "Sursa {n}: {title}",
      newTab: "(filă nouă)",
      empty: "Scrieți întrebarea înainte de a o trimite.",
      tooLong: "Întrebarea este prea lungă (cel mult 2 000 de caractere).",
      errRate: "Prea multe întrebări într-un timp scurt. Încercați din nou peste un minut.",
      errInvalid: "Întrebarea nu a putut fi procesată. Reformulați-o mai simplu.",
      errServer: "Serviciul este momentan indisponibil. Întrebarea a rămas în caseta de text: încercați din nou " +
        "peste câteva clipe.",
      errNetwork: "Nu se poate face legătura cu serviciul. Verificați conexiunea și încercați din nou.",
      feedbackQ: "V-a fost util acest răspuns?",
      yes: "Da",
      no: "Nu",
      reasonLegend: "Ce nu a fost în regulă?",
      reasons: { wrong: "Răspunsul este inexact", no_source: "Fără sursă sau sursă nepotrivită",
        too_long: "Prea lung sau greu de citit", other: "Alt motiv" },
      commentLabel: "Comentariu (opțional, fără date personale)",
      sendFeedback: "Trimiteți părerea",
      thanks: "Vă mulțumim pentru părere.",
      feedbackError: "Părerea nu a putut fi trimisă. Încercați din nou.",
      human: "Vorbiți cu o persoană",
      humanSuggested: "Un agent vă poate analiza situația: trimiteți-i cererea.",
      handoverTitle: "Trimiteți cererea unui agent",
      handoverIntro: "Un agent vă va răspunde prin e-mail sau telefon. Conversația cu asistentul îi va fi transmisă " +
        "împreună cu mesajul dumneavoastră.",
      name: "Nume și prenume",
      email: "Adresă de e-mail",
      phone: "Telefon (opțional)",
      message: "Cererea dumneavoastră",
      messageHint: "Descrieți situația: țări, date, angajator, demersuri deja făcute.",
      consent: "Accept ca această conversație și datele mele de contact să fie transmise unui agent pentru " +
        "soluționarea cererii.",
      required: "(obligatoriu)",
      submitHandover: "Trimiteți cererea",
      cancel: "Anulați",
      errRequired: "Acest câmp este obligatoriu.",
      errEmail: "Introduceți o adresă de e-mail validă, de exemplu nume@exemplu.ro.",
      errPhone: "Introduceți un număr de telefon valid.",
      errConsent: "Bifați această casetă pentru a trimite cererea.",
      errField: "Verificați acest câmp.",
      errForm: "Cererea nu a fost trimisă: corectați câmpurile semnalate.",
      handoverSent: "Cererea a fost transmisă unui agent. Numărul de referință este {ref}. Notați-l: vi se va cere " +
        "la orice schimb.",
      restored: "Conversație reluată.",
      cleared: "Conversație nouă începută."
    },
    ar: {
      launcher: "اطرح سؤالا",
      defaultTitle: "مساعد الضمان الاجتماعي الدولي",
      languageLabel: "لغة المساعد",
      close: "إغلاق المساعد",
      newConversation: "محادثة جديدة",
      intro: "مرحبا. أجيب انطلاقا من النصوص الرسمية (اللوائح الأوروبية، الاتفاقيات، قانون الضمان الاجتماعي الفرنسي، " +
        "بطاقات service-public.fr) وأذكر مصادري. لا أحل محل قرار صندوقكم. لا تكتبوا بيانات شخصية (رقم الضمان " +
        "الاجتماعي، IBAN…).",
      conversation: "المحادثة",
      questionLabel: "سؤالكم",
      placeholder: "اكتبوا سؤالكم",
      send: "إرسال",
      stop: "إيقاف",
      you: "أنتم",
      assistant: "المساعد",
      thinking: "المساعد يكتب الإجابة…",
      answered: "تم استلام الإجابة.",
      stopped: "توقفت الإجابة.",
      sources: "المصادر",
      sourceN: "المصدر {n}: {title}",
      newTab: "(علامة تبويب جديدة)",
      empty: "اكتبوا سؤالكم قبل الإرسال.",
      tooLong: "سؤالكم طويل جدا (2000 حرف كحد أقصى).",
      errRate: "أسئلة كثيرة في وقت قصير. أعيدوا المحاولة بعد دقيقة.",
      errInvalid: "تعذرت معالجة سؤالكم. أعيدوا صياغته بشكل أبسط.",
      errServer: "الخدمة غير متاحة مؤقتا. سؤالكم ما زال في خانة الكتابة: أعيدوا المحاولة بعد قليل.",
      errNetwork: "تعذر الاتصال بالخدمة. تحققوا من اتصالكم ثم أعيدوا المحاولة.",
      feedbackQ: "هل كانت هذه الإجابة مفيدة؟",
      yes: "نعم",
      no: "لا",
      reasonLegend: "ما الذي لم يكن صحيحا؟",
      reasons: { wrong: "الإجابة غير دقيقة", no_source: "لا مصدر أو مصدر غير مناسب",
        too_long: "طويلة جدا أو صعبة القراءة", other: "سبب آخر" },
      commentLabel: "تعليق (اختياري، بدون بيانات شخصية)",
      sendFeedback: "إرسال رأيي",
      thanks: "شكرا على رأيكم.",
      feedbackError: "تعذر إرسال رأيكم. أعيدوا المحاولة.",
      human: "التحدث إلى شخص",
      humanSuggested: "يمكن لموظف دراسة وضعكم: أرسلوا إليه طلبكم.",
      handoverTitle: "إرسال طلبي إلى موظف",
      handoverIntro: "سيرد عليكم موظف بالبريد الإلكتروني أو بالهاتف. ستُرسل محادثتكم مع المساعد مع رسالتكم.",
      name: "الاسم الكامل",
      email: "البريد الإلكتروني",
      phone: "الهاتف (اختياري)",
      message: "طلبكم",
      messageHint: "صفوا وضعكم: البلدان، التواريخ، صاحب العمل، الإجراءات التي قمتم بها.",
      consent: "أوافق على إرسال محادثتي وبيانات الاتصال الخاصة بي إلى موظف لمعالجة طلبي.",
      required: "(إلزامي)",
      submitHandover: "إرسال طلبي",
      cancel: "إلغاء",
      errRequired: "هذا الحقل إلزامي.",
      errEmail: "أدخلوا بريدا إلكترونيا صحيحا، مثلا name@example.com.",
      errPhone: "أدخلوا رقم هاتف صحيحا.",
      errConsent: "ضعوا علامة في هذه الخانة لإرسال طلبكم.",
      errField: "تحققوا من هذا الحقل.",
      errForm: "لم يُرسل الطلب: صححوا الحقول المشار إليها.",
      handoverSent: "تمت إحالة طلبكم إلى موظف. رقمكم المرجعي هو {ref}. احتفظوا به: سيُطلب منكم في أي تواصل.",
      restored: "تم استئناف المحادثة.",
      cleared: "بدأت محادثة جديدة."
    }

  };

  // The languages offered in the panel, each named in itself; Arabic is written right to left.
  var LANGUAGES = [["fr", "Français"], ["en", "English"], ["es", "Español"], ["de", "Deutsch"], ["it", "Italiano"],
    ["pt", "Português"], ["pl", "Polski"], ["ro", "Română"], ["ar", "العربية"]];
  var RTL = { ar: true };
  var configuredLang = (script.getAttribute("data-lang") || "").slice(0, 2).toLowerCase();

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  // ---------- state (sessionStorage: survives reloads of the tab, gone when the tab closes) ----------

  function initialLanguage() {
    var candidates = [script.getAttribute("data-lang"), document.documentElement.getAttribute("lang")]
      .concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < candidates.length; i++) {
      var code = (candidates[i] || "").slice(0, 2).toLowerCase();
      if (I18N[code]) { return code; }
    }
    return "fr";
  }

  function freshState() {
    return { v: VERSION, lang: null, open: false, sessionId: null, messages: [], seq: 0 };
  }

  function loadState() {
    try {
      var raw = window.sessionStorage.getItem(storageKey);
      if (raw) {
        var parsed = JSON.parse(raw);
        if (parsed && parsed.v === VERSION && Array.isArray(parsed.messages)) { return parsed; }
      }
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return freshState();
  }

  var state = loadState();
  var interruptedQuestion = dropInterrupted();
  var restoredConversation = state.messages.length > 0;

  // A reload during an answer leaves a pending turn behind: forget it and give the question back.
  function dropInterrupted() {
    var last = state.messages[state.messages.length - 1];
    if (!last || !last.pending) { return ""; }
    state.messages.pop();
    var question = state.messages.length && state.messages[state.messages.length - 1].role === "user"
      ? state.messages.pop().content : "";
    return question;
  }

  function saveState() {
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* quota, private mode */ }
  }

  function lang() { return state.lang || initialLanguage(); }
  function t(key) { return I18N[lang()][key]; }

  // ---------- DOM helpers ----------

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { el.textContent = v; }
        else if (k === "class") { el.className = v; }
        else if (k.slice(0, 2) === "on") { el.addEventListener(k.slice(2), v); }
        else { el.setAttribute(k, v === true ? "" : v); }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) { continue; }
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  // Icons are SVG elements built in code: no data: URL, so a host page's img-src policy cannot block them.
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    restart: "M4 12a8 8 0 1 0 2.6-5.9M4 4v5h5"
  };
  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "lw-svg lw-svg-" + name);
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  var uid = 0;
  function nextId(prefix) { uid += 1; return "lw-" + prefix + "-" + uid; }

  // ---------- shell ----------

  var host = document.createElement("liaison-chat");
  host.setAttribute("data-liaison-widget", "");
  var shadow = host.attachShadow({ mode: "open" });
  var stylesheet = h("link", { rel: "stylesheet", href: cssUrl });
  var root = h("div", { class: "lw-root", hidden: true });
  shadow.appendChild(stylesheet);
  shadow.appendChild(root);
  // Show nothing until the stylesheet applies (an unstyled panel would flash over the host page).
  stylesheet.addEventListener("load", function () { root.hidden = false; });
  stylesheet.addEventListener("error", function () { root.hidden = false; });

  var els = {};
  var busy = null;  // AbortController of the answer being streamed

  // The title follows the language: data-title-<code> when the page gives one, data-title for the page's
  // own language, otherwise the widget's title in that language.
  function panelTitle() {
    var code = lang();
    return script.getAttribute("data-title-" + code) ||
      (configuredTitle && (!configuredLang || configuredLang === code) ? configuredTitle : "") || t("defaultTitle");
  }

  function build() {
    root.textContent = "";
    root.setAttribute("lang", lang());
    root.setAttribute("dir", RTL[lang()] ? "rtl" : "ltr");
    var title = panelTitle();

    els.launcher = h("button", {
      type: "button", class: "lw-launcher", "aria-expanded": String(state.open), "aria-controls": "lw-panel",
      onclick: function () { setOpen(!state.open, true); }
    }, icon("chat"), h("span", { class: "lw-launcher-text", text: t("launcher") }));

    els.title = h("h2", { id: "lw-title", class: "lw-title", text: title });
    // A native <select>: every language named in itself (lang attribute for screen readers).
    els.langButton = h("select", { class: "lw-tool lw-lang", "aria-label": t("languageLabel"), title: t("languageLabel"),
      onchange: function () { switchLanguage(els.langButton.value); } });
    LANGUAGES.forEach(function (pair) {
      els.langButton.appendChild(h("option", { value: pair[0], lang: pair[0], selected: pair[0] === lang() }, pair[1]));
    });
    els.newButton = h("button", {
      type: "button", class: "lw-tool lw-new", "aria-label": t("newConversation"), title: t("newConversation"),
      onclick: newConversation
    }, icon("restart"));
    els.closeButton = h("button", {
      type: "button", class: "lw-tool lw-close", "aria-label": t("close"), title: t("close"),
      onclick: function () { setOpen(false, true); }
    }, icon("close"));

    els.log = h("div", { class: "lw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-labelledby": "lw-log-label", tabindex: "0" });
    els.status = h("div", { class: "lw-visually-hidden", role: "status", "aria-live": "polite" });
    els.error = h("p", { class: "lw-error", id: "lw-composer-error", role: "alert", hidden: true });

    els.input = h("textarea", {
      id: "lw-question", class: "lw-input", rows: "2", dir: "auto", maxlength: String(MAX_QUESTION), placeholder: t("placeholder"),
      "aria-describedby": "lw-composer-error", autocomplete: "off",
      onkeydown: function (e) {
        // Enter sends; while an answer streams it does nothing (only the Stop button stops it)
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); if (!busy) { submitQuestion(); } }
      },
      oninput: function () { hideError(); }
    });
    els.send = h("button", { type: "submit", class: "lw-send" }, t("send"));
    els.form = h("form", { class: "lw-composer", novalidate: true, onsubmit: function (e) { e.preventDefault(); submitQuestion(); } },
      h("label", { for: "lw-question", class: "lw-label", text: t("questionLabel") }),
      h("div", { class: "lw-composer-row" }, els.input, els.send),
      els.error);
    els.humanButton = h("button", { type: "button", class: "lw-human", onclick: function () { openHandover(); } }, t("human"));

    els.chatView = h("div", { class: "lw-chat" },
      h("h3", { id: "lw-log-label", class: "lw-visually-hidden", text: t("conversation") }),
      els.log, els.form, h("div", { class: "lw-footer" }, els.humanButton));
    els.handoverView = h("div", { class: "lw-handover-view", hidden: true });

    els.panel = h("section", { id: "lw-panel", class: "lw-panel", role: "dialog", "aria-labelledby": "lw-title",
      hidden: !state.open, onkeydown: onPanelKey },
      h("div", { class: "lw-header" }, els.title,
        h("div", { class: "lw-tools" }, els.langButton, els.newButton, els.closeButton)),
      els.chatView, els.handoverView, els.status);

    root.appendChild(els.panel);
    root.appendChild(els.launcher);
    updateModal();
    // The introduction scrolls away with the conversation instead of taking room above it.
    els.log.appendChild(h("p", { class: "lw-intro", text: t("intro") }));
    state.messages.forEach(function (m) { els.log.appendChild(renderMessage(m)); });
    updateBusy();
  }

  // On a phone the panel covers the whole screen: it is then a modal dialog and Tab cycles inside it.
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 480px)") : { matches: false };

  function focusables() {
    return Array.prototype.filter.call(els.panel.querySelectorAll(
      "button, select, textarea, input, a[href], [tabindex]:not([tabindex='-1'])"), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }

  function onPanelKey(e) {
    if (e.key === "Escape") {
      e.stopPropagation();
      if (!els.handoverView.hidden) { closeHandover(); } else { setOpen(false, true); }
      return;
    }
    if (e.key === "Tab" && fullScreen.matches) {
      var items = focusables();
      if (!items.length) { return; }
      var active = shadow.activeElement;
      var first = items[0], last = items[items.length - 1];
      if (e.shiftKey && (active === first || items.indexOf(active) === -1)) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && (active === last || items.indexOf(active) === -1)) { e.preventDefault(); first.focus(); }
    }
  }

  function updateModal() {
    if (!els.panel) { return; }
    if (fullScreen.matches) { els.panel.setAttribute("aria-modal", "true"); }
    else { els.panel.removeAttribute("aria-modal"); }
  }

  function setOpen(open, moveFocus) {
    state.open = open;
    saveState();
    els.panel.hidden = !open;
    els.launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("lw-is-open", open);
    if (moveFocus) {
      if (open) { els.input.focus(); scrollLog(); } else { els.launcher.focus(); }
    }
  }

  function announce(text) {
    els.status.textContent = "";
    window.setTimeout(function () { els.status.textContent = text; }, 50);
  }

  // The message at the top of the log and how far it is scrolled past, to find the same place again.
  function readingPosition() {
    var top = els.log.scrollTop;
    var items = els.log.children;
    for (var i = 0; i < items.length; i++) {
      if (items[i].offsetTop + items[i].offsetHeight > top) { return { index: i, offset: top - items[i].offsetTop }; }
    }
    return null;
  }

  function restoreReadingPosition(position) {
    var item = position && els.log.children[position.index];
    if (item) { els.log.scrollTop = item.offsetTop + Math.min(position.offset, item.offsetHeight); }
  }

  function switchLanguage(code) {
    if (!I18N[code] || code === lang()) { return; }
    var position = readingPosition();
    state.lang = code;
    saveState();
    var handoverOpen = !els.handoverView.hidden;
    build();
    if (handoverOpen) { openHandover(); }
    restoreReadingPosition(position);
    els.langButton.focus();
  }

  function newConversation() {
    if (busy) { busy.abort(); }
    var keepLang = state.lang;
    state = freshState();
    state.lang = keepLang;
    state.open = true;
    saveState();
    build();
    els.input.focus();
    announce(t("cleared"));
  }

  function scrollLog() { els.log.scrollTop = els.log.scrollHeight; }

  function showError(text) {
    els.error.textContent = text;
    els.error.hidden = false;
    els.input.setAttribute("aria-invalid", "true");
  }

  function hideError() {
    els.error.hidden = true;
    els.error.textContent = "";
    els.input.removeAttribute("aria-invalid");
  }

  function updateBusy() {
    els.send.textContent = busy ? t("stop") : t("send");
    els.send.classList.toggle("lw-send-stop", !!busy);
  }

  // ---------- messages ----------

  function renderMessage(m) {
    if (m.role === "user") {
      return h("div", { class: "lw-msg lw-msg-user" },
        h("span", { class: "lw-visually-hidden", text: t("you") + " : " }),
        h("p", { class: "lw-bubble", dir: "auto", text: m.content }));
    }
    if (m.role === "system") {
      return h("div", { class: "lw-msg lw-msg-system", tabindex: "-1", "data-reference": m.reference || null },
        h("p", { class: "lw-bubble" }, m.reference ? referenceText(m) : m.content));
    }
    return renderAnswer(m);
  }

  function referenceText(m) {
    var parts = t("handoverSent").split("{ref}");
    return h("span", null, parts[0], h("strong", { class: "lw-reference", text: m.reference }), parts[1] || "");
  }

  // The viewer URL given by the server, with the whole quote to highlight and the widget's language.
  function citationHref(c) {
    var url = null;
    try { url = new URL(c.document_url || "/documents/view", apiBase + "/"); } catch (e) { url = null; }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {  // never a javascript: link
      url = new URL(apiBase + "/documents/view");
      c = { path: c.path, ref: c.ref, quote: c.quote };
    }
    if (!c.document_url) {
      url.searchParams.set("path", c.path || "");
      url.searchParams.set("ref", c.ref || "");
    }
    if (c.quote) { url.searchParams.set("highlight", c.quote.slice(0, 1500)); }
    url.searchParams.set("lang", lang());
    return url.href;
  }

  function citationTitle(c) {
    var title = c.title || c.ref || c.path || "";
    // Legal references (L761-2, F3155, Article 12) help; file names and slugs do not.
    var legalRef = /\d/.test(c.ref || "") && !/\.(md|json|html?|xml|txt|pdf|docx?)$/i.test(c.ref);
    if (legalRef && c.title && c.title.indexOf(c.ref) === -1) { title = c.title + " (" + c.ref + ")"; }
    return title;
  }

  // Plain text with [n] markers -> paragraphs, list items and links to the cited documents.
  function renderAnswerText(container, text, citations) {
    container.textContent = "";
    var byN = {};
    (citations || []).forEach(function (c) { byN[String(c.n)] = c; });
    var blocks = String(text || "").split(/\n{2,}/);
    blocks.forEach(function (block) {
      var lines = block.split("\n");
      var isList = lines.length > 0 && lines.every(function (l) { return /^\s*(?:[-•*]|\d+[.)])\s+/.test(l) || !l.trim(); });
      if (isList) {
        var ul = h("ul");
        lines.forEach(function (l) {
          if (!l.trim()) { return; }
          var li = h("li");
          appendWithMarkers(li, l.replace(/^\s*(?:[-•*]|\d+[.)])\s+/, ""), byN);
          ul.appendChild(li);
        });
        container.appendChild(ul);
      } else if (block.trim()) {
        var p = h("p");
        lines.forEach(function (l, i) {
          if (i > 0) { p.appendChild(h("br")); }
          appendWithMarkers(p, l, byN);
        });
        container.appendChild(p);
      }
    });
  }

  // Citation markers become links to the cited documents; web addresses (the server only lets through
  // those of the sources or of its allow-list) become links; everything else stays text.
  function appendWithMarkers(parent, text, byN) {
    var re = /\[(\d{1,3})\]|(https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?])/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
      if (m[2]) {
        parent.appendChild(h("a", { href: m[2], target: "_blank", rel: "noopener noreferrer", class: "lw-url" },
          m[2], h("span", { class: "lw-visually-hidden", text: " " + t("newTab") })));
        last = re.lastIndex;
        continue;
      }
      var c = byN[m[1]];
      if (c) {
        parent.appendChild(h("a", {
          class: "lw-cite", href: citationHref(c), target: "_blank", rel: "noopener",
          "aria-label": fmt(t("sourceN"), { n: m[1], title: citationTitle(c) }) + " " + t("newTab")
        }, "[" + m[1] + "]"));
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
      last = re.lastIndex;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
  }

  function renderAnswer(m) {
    // Each message is laid out in its own direction (an English answer inside the Arabic interface).
    var article = h("div", { class: "lw-msg lw-msg-bot" + (m.error ? " lw-msg-error" : ""), lang: m.language || null,
      dir: m.language ? (RTL[m.language] ? "rtl" : "ltr") : "auto",
      "data-answer-id": m.answerId || null, "data-msg-id": m.id ? String(m.id) : null });
    article.appendChild(h("span", { class: "lw-visually-hidden", text: t("assistant") + " : " }));
    var body = h("div", { class: "lw-bubble lw-answer" });
    article.appendChild(body);
    if (m.pending) {
      body.setAttribute("aria-busy", "true");
      body.appendChild(h("span", { class: "lw-typing", "aria-hidden": "true" }, h("span"), h("span"), h("span")));
      if (m.content) { body.appendChild(h("p", { class: "lw-stream", text: m.content })); }
      return article;
    }
    if (m.error) {
      body.appendChild(h("p", { text: m.content }));
      return article;
    }
    renderAnswerText(body, m.content, m.citations);
    if (m.notice) { body.appendChild(h("p", { class: "lw-notice", text: m.notice })); }
    if (m.citations && m.citations.length) {
      var listId = nextId("sources");
      var ol = h("ol", { class: "lw-sources-list", "aria-labelledby": listId });
      m.citations.forEach(function (c) {
        var quote = (c.quote || "").trim();
        if (quote.length > 240) { quote = quote.slice(0, 237).replace(/\s+\S*$/, "") + "…"; }
        ol.appendChild(h("li", { value: String(c.n) },
          h("a", { href: citationHref(c), target: "_blank", rel: "noopener", class: "lw-source-link" },
            citationTitle(c), h("span", { class: "lw-visually-hidden", text: " " + t("newTab") })),
          quote ? h("q", { class: "lw-quote", text: quote }) : null));
      });
      body.appendChild(h("div", { class: "lw-sources" }, h("h4", { id: listId, class: "lw-sources-title", text: t("sources") }), ol));
    }
    if (m.abstained || m.handoverSuggested) {
      body.appendChild(h("p", { class: "lw-suggest" }, t("humanSuggested") + " ",
        h("button", { type: "button", class: "lw-link-button", onclick: function () { openHandover(); } }, t("human"))));
    }
    if (m.answerId) { article.appendChild(renderFeedback(m)); }
    return article;
  }

  // ---------- feedback ----------

  function renderFeedback(m) {
    var box = h("div", { class: "lw-feedback" });
    var fb = m.feedback || {};
    if (fb.sent) {
      box.appendChild(h("p", { class: "lw-thanks", text: t("thanks") }));
      return box;
    }
    var groupLabel = nextId("fbq");
    var yes = h("button", { type: "button", class: "lw-fb-button", "aria-pressed": String(fb.useful === true),
      onclick: function () { sendFeedback(m, box, { useful: true, reason: null, comment: null }); } }, t("yes"));
    var no = h("button", { type: "button", class: "lw-fb-button", "aria-pressed": String(fb.useful === false),
      "aria-expanded": String(fb.useful === false),
      onclick: function () {
        m.feedback = { useful: false };
        saveState();
        no.setAttribute("aria-pressed", "true");
        no.setAttribute("aria-expanded", "true");
        yes.setAttribute("aria-pressed", "false");
        form.hidden = false;
        var first = form.querySelector("input");
        if (first) { first.focus(); }
      } }, t("no"));
    box.appendChild(h("div", { class: "lw-fb-row", role: "group", "aria-labelledby": groupLabel },
      h("span", { id: groupLabel, class: "lw-fb-question", text: t("feedbackQ") }), yes, no));

    var radios = h("fieldset", { class: "lw-reasons" }, h("legend", { text: t("reasonLegend") }));
    ["wrong", "no_source", "too_long", "other"].forEach(function (reason, i) {
      var id = nextId("reason");
      radios.appendChild(h("div", { class: "lw-radio" },
        h("input", { type: "radio", id: id, name: "reason-" + (m.answerId || ""), value: reason, checked: i === 0 }),
        h("label", { for: id, text: t("reasons")[reason] })));
    });
    var commentId = nextId("comment");
    var comment = h("textarea", { id: commentId, rows: "2", maxlength: "1000", class: "lw-input" });
    var error = h("p", { class: "lw-error", role: "alert", hidden: true });
    var form = h("form", { class: "lw-fb-form", hidden: fb.useful !== false, novalidate: true,
      onsubmit: function (e) {
        e.preventDefault();
        var checked = form.querySelector("input[type=radio]:checked");
        sendFeedback(m, box, { useful: false, reason: checked ? checked.value : "other",
          comment: comment.value.trim() || null }, error);
      } },
      radios, h("label", { for: commentId, class: "lw-label", text: t("commentLabel") }), comment, error,
      h("button", { type: "submit", class: "lw-secondary" }, t("sendFeedback")));
    box.appendChild(form);
    return box;
  }

  function sendFeedback(m, box, payload, errorEl) {
    payload.answer_id = m.answerId;
    fetch(apiBase + "/v1/feedback", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      m.feedback = { useful: payload.useful, sent: true };
      saveState();
      var thanks = h("p", { class: "lw-thanks", tabindex: "-1", text: t("thanks") });
      box.textContent = "";
      box.appendChild(thanks);
      thanks.focus();
      announce(t("thanks"));
    }).catch(function () {
      if (errorEl) { errorEl.textContent = t("feedbackError"); errorEl.hidden = false; }
      else { announce(t("feedbackError")); }
    });
  }

  // ---------- asking (fetch + ReadableStream reading server-sent events from a POST) ----------

  function historyPayload() {
    var turns = [];
    state.messages.forEach(function (m) {
      if (m.role === "user") { turns.push({ role: "user", content: m.content }); }
      else if (m.role === "assistant" && !m.error && !m.pending && m.content) {
        turns.push({ role: "assistant", content: m.content });
      }
    });
    return turns.slice(-2 * HISTORY_TURNS);
  }

  function submitQuestion() {
    if (busy) { busy.abort(); return; }
    var question = els.input.value.trim();
    if (!question) { showError(t("empty")); els.input.focus(); return; }
    if (question.length > MAX_QUESTION) { showError(t("tooLong")); return; }
    hideError();
    var history = historyPayload();
    var userMsg = { role: "user", content: question };
    state.messages.push(userMsg);
    var answer = { role: "assistant", content: "", pending: true, id: ++state.seq };
    state.messages.push(answer);
    els.log.appendChild(renderMessage(userMsg));
    els.log.appendChild(renderMessage(answer));
    els.input.value = "";
    scrollLog();
    announce(t("thinking"));
    busy = new AbortController();
    updateBusy();
    ask(question, history, answer, busy.signal).then(function (outcome) {
      busy = null;
      updateBusy();
      if (outcome === "error") {
        els.input.value = question;  // nothing the user typed is lost
      }
    });
  }

  function ask(question, history, answer, signal) {
    var body = { question: question, session_id: state.sessionId, history: history.length ? history : null,
      language: lang(), filters: null, as_of: null, stream: true };
    // The panel may be rebuilt while the answer streams (language switch): always find the live node.
    function node() { return els.log.querySelector('[data-msg-id="' + answer.id + '"]'); }
    function current() { return state.messages.indexOf(answer) !== -1; }  // false after "new conversation"
    function replace() {
      var old = node();
      var fresh = renderMessage(answer);
      if (old) { old.parentNode.replaceChild(fresh, old); } else { els.log.appendChild(fresh); }
    }
    function finish(data) {
      if (!current()) { return "ok"; }
      answer.pending = false;
      answer.content = data.answer || answer.content;
      answer.citations = data.citations || answer.citations || [];
      answer.answerId = data.answer_id || null;
      answer.language = data.language || null;
      answer.notice = data.notice || null;
      answer.abstained = !!data.abstained;
      answer.handoverSuggested = !!data.handover_suggested;
      if (data.session_id) { state.sessionId = data.session_id; }
      saveState();
      replace();
      showAnswerStart();
      announce(t("answered"));
      return "ok";
    }
    function fail(messageKey) {
      if (!current()) { return "ok"; }
      answer.pending = false;
      answer.error = true;
      answer.content = t(messageKey);
      // a failed turn is not part of the conversation: drop it and the question from memory
      state.messages = state.messages.filter(function (m) { return m !== answer; });
      if (state.messages.length && state.messages[state.messages.length - 1].role === "user") { state.messages.pop(); }
      saveState();
      replace();
      announce(answer.content);
      return "error";
    }
    // A long answer is read from its start: bring the question above it to the top of the log.
    function showAnswerStart() {
      var live = node();
      var question = live && live.previousElementSibling;
      if (!question) { scrollLog(); return; }
      els.log.scrollTop = Math.max(0, question.offsetTop - 8);
    }
    function showPartial() {
      var live = node();
      var box = live && live.querySelector(".lw-answer");
      if (!box) { return; }
      var partial = box.querySelector(".lw-stream");
      if (!partial) { partial = box.appendChild(h("p", { class: "lw-stream" })); }
      partial.textContent = answer.content;
      scrollLog();
    }
    return fetch(apiBase + "/v1/ask", {
      method: "POST", credentials: "omit", signal: signal,
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (res.status === 429) { return fail("errRate"); }
      if (res.status === 422 || res.status === 400 || res.status === 413) { return fail("errInvalid"); }
      if (!res.ok) { return fail("errServer"); }
      var type = res.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") === -1 || !res.body || !res.body.getReader) {
        return res.json().then(finish);
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var result = null;
      function handle(event, data) {
        var parsed;
        try { parsed = JSON.parse(data); } catch (e) { return; }
        if (event === "delta" && parsed && typeof parsed.text === "string") {
          answer.content += parsed.text;
          showPartial();
        } else if (event === "citations" && Array.isArray(parsed)) {
          answer.citations = parsed;
        } else if (event === "done" && parsed) {
          result = finish(parsed);
        } else if (event === "error") {
          result = fail("errServer");
        }
      }
      function dispatch(block) {
        var event = "message";
        var data = [];
        block.split(/\r?\n/).forEach(function (line) {
          if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
          else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
        });
        if (data.length) { handle(event, data.join("\n")); }
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            buffer += decoder.decode();
            if (buffer.trim()) { dispatch(buffer); }
            return result || fail("errServer");
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          var parts = buffer.split(/\r?\n\r?\n/);
          buffer = parts.pop();
          parts.forEach(dispatch);
          if (result) { reader.cancel().catch(function () {}); return result; }
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      if (err && err.name === "AbortError") {
        if (!current()) { return "ok"; }
        if (answer.content) {
          answer.pending = false;
          answer.content += " …";
          saveState();
          replace();
          announce(t("stopped"));
          return "ok";
        }
        return fail("errNetwork");
      }
      return fail("errNetwork");
    });
  }

  // ---------- talk to a person ----------

  function field(id, labelText, control, hint, required) {
    var errorId = id + "-error";
    var describedBy = [hint ? id + "-hint" : null, errorId].filter(Boolean).join(" ");
    control.setAttribute("id", id);
    control.setAttribute("aria-describedby", describedBy);
    if (required) { control.setAttribute("aria-required", "true"); }
    // an error goes away as soon as the person corrects the field
    var clear = function () { if (control.getAttribute("aria-invalid")) { setFieldError(control, null); } };
    control.addEventListener("input", clear);
    control.addEventListener("change", clear);
    return h("div", { class: "lw-field" },
      h("label", { for: id, class: "lw-label" }, labelText, required ? h("span", { class: "lw-req", text: " " + t("required") }) : null),
      hint ? h("p", { id: id + "-hint", class: "lw-hint", text: hint }) : null,
      control,
      h("p", { id: errorId, class: "lw-error", hidden: true }));
  }

  function openHandover() {
    if (!state.open) { setOpen(true, false); }
    var view = els.handoverView;
    view.textContent = "";
    var name = h("input", { type: "text", name: "name", autocomplete: "name", maxlength: "200", class: "lw-input" });
    var email = h("input", { type: "email", name: "email", autocomplete: "email", maxlength: "254", class: "lw-input" });
    var phone = h("input", { type: "tel", name: "phone", autocomplete: "tel", maxlength: "40", class: "lw-input" });
    var message = h("textarea", { name: "message", rows: "4", maxlength: "4000", class: "lw-input" });
    var consent = h("input", { type: "checkbox", name: "consent", id: "lw-h-consent", "aria-describedby": "lw-h-consent-error" });
    var formError = h("p", { class: "lw-error", role: "alert", hidden: true });
    var submit = h("button", { type: "submit", class: "lw-send" }, t("submitHandover"));
    var heading = h("h3", { class: "lw-handover-title", tabindex: "-1", text: t("handoverTitle") });
    var lastQuestion = "";
    state.messages.forEach(function (m) { if (m.role === "user") { lastQuestion = m.content; } });
    message.value = lastQuestion;
    var form = h("form", { class: "lw-handover", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      submitHandover({ name: name, email: email, phone: phone, message: message, consent: consent }, formError, submit);
    } },
      heading,
      h("p", { class: "lw-hint", text: t("handoverIntro") }),
      field("lw-h-name", t("name"), name, null, true),
      field("lw-h-email", t("email"), email, null, true),
      field("lw-h-phone", t("phone"), phone, null, false),
      field("lw-h-message", t("message"), message, t("messageHint"), true),
      h("div", { class: "lw-field lw-consent" }, consent,
        h("label", { for: "lw-h-consent", text: t("consent") }),
        h("p", { id: "lw-h-consent-error", class: "lw-error", hidden: true })),
      formError,
      h("div", { class: "lw-actions" }, submit,
        h("button", { type: "button", class: "lw-secondary", onclick: closeHandover }, t("cancel"))));
    view.appendChild(form);
    els.chatView.hidden = true;
    view.hidden = false;
    heading.focus();
  }

  function closeHandover() {
    els.handoverView.hidden = true;
    els.handoverView.textContent = "";
    els.chatView.hidden = false;
    els.humanButton.focus();
  }

  function setFieldError(control, text) {
    var err = els.handoverView.querySelector("#" + control.id + "-error");
    if (text) {
      control.setAttribute("aria-invalid", "true");
      if (err) { err.textContent = text; err.hidden = false; }
    } else {
      control.removeAttribute("aria-invalid");
      if (err) { err.textContent = ""; err.hidden = true; }
    }
  }

  function validateHandover(f) {
    var problems = [];
    function check(control, message) { setFieldError(control, message); if (message) { problems.push(control); } }
    check(f.name, f.name.value.trim() ? null : t("errRequired"));
    var email = f.email.value.trim();
    check(f.email, !email ? t("errRequired") : (/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email) ? null : t("errEmail")));
    var phone = f.phone.value.trim();
    check(f.phone, phone && !/^\+?[0-9 ().-]{6,25}$/.test(phone) ? t("errPhone") : null);
    check(f.message, f.message.value.trim() ? null : t("errRequired"));
    check(f.consent, f.consent.checked ? null : t("errConsent"));
    return problems;
  }

  function submitHandover(f, formError, submit) {
    formError.hidden = true;
    var problems = validateHandover(f);
    if (problems.length) {
      formError.textContent = t("errForm");
      formError.hidden = false;
      problems[0].focus();
      return;
    }
    submit.disabled = true;
    var transcript = state.messages.filter(function (m) {
      return (m.role === "user" || m.role === "assistant") && !m.error && !m.pending;
    }).map(function (m) { return { role: m.role, content: m.content }; });
    var payload = { session_id: state.sessionId, transcript: transcript, name: f.name.value.trim(),
      email: f.email.value.trim(), phone: f.phone.value.trim() || null, message: f.message.value.trim(),
      language: lang() };
    fetch(apiBase + "/v1/inquiries", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { res: res, data: data }; });
    }).then(function (r) {
      submit.disabled = false;
      if (r.res.status === 422 && Array.isArray(r.data.detail)) {
        var marked = null;
        r.data.detail.forEach(function (d) {
          var key = (d.loc || [])[d.loc.length - 1];
          var control = f[key];
          if (control) { setFieldError(control, key === "email" ? t("errEmail") : key === "phone" ? t("errPhone") : t("errField")); marked = marked || control; }
        });
        formError.textContent = t("errForm");
        formError.hidden = false;
        (marked || formError).focus();
        return;
      }
      if (!r.res.ok || !r.data.reference) {
        formError.textContent = r.res.status === 429 ? t("errRate") : t("errServer");
        formError.hidden = false;
        return;
      }
      var msg = { role: "system", reference: r.data.reference, content: fmt(t("handoverSent"), { ref: r.data.reference }) };
      state.messages.push(msg);
      saveState();
      els.handoverView.hidden = true;
      els.handoverView.textContent = "";
      els.chatView.hidden = false;
      var node = renderMessage(msg);
      els.log.appendChild(node);
      scrollLog();
      node.focus();
    }).catch(function () {
      submit.disabled = false;
      formError.textContent = t("errNetwork");
      formError.hidden = false;
    });
  }

  // ---------- start ----------

  // Early in the tab order: right after the page's skip link when the page starts with one, otherwise
  // first (the widget is fixed on screen, so its place in the document only decides the keyboard order).
  // data-tab-order="end" keeps it last.
  function place() {
    var body = document.body;
    if (script.getAttribute("data-tab-order") === "end") { body.appendChild(host); return; }
    var first = body.querySelector("a[href], button, input, select, textarea, [tabindex]");
    if (first && first.matches("a[href^='#']")) { first.parentNode.insertBefore(host, first.nextSibling); return; }
    body.insertBefore(host, body.firstChild);
  }

  function start() {
    place();
    if (fullScreen.addEventListener) { fullScreen.addEventListener("change", updateModal); }
    build();
    if (interruptedQuestion) { els.input.value = interruptedQuestion; }
    if (state.open) { root.classList.add("lw-is-open"); }
    if (restoredConversation && state.open) { announce(t("restored")); }
  }

  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
