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
      launcherShort: "Question ?",
      defaultTitle: "Assistant sécurité sociale internationale",
      close: "Fermer l'assistant",
      switchTo: "Switch the assistant to English",
      switchLabel: "EN",
      switchLang: "en",
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
      launcherShort: "Question?",
      defaultTitle: "International social security assistant",
      close: "Close the assistant",
      switchTo: "Passer l'assistant en français",
      switchLabel: "FR",
      switchLang: "fr",
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
    }
  };

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

  function build() {
    root.textContent = "";
    root.setAttribute("lang", lang());
    var title = configuredTitle || t("defaultTitle");

    els.launcher = h("button", {
      type: "button", class: "lw-launcher", "aria-expanded": String(state.open), "aria-controls": "lw-panel",
      onclick: function () { setOpen(!state.open, true); }
    }, icon("chat"), h("span", { class: "lw-launcher-text", text: t("launcher") }));

    els.title = h("h2", { id: "lw-title", class: "lw-title", text: title });
    // The visible code is part of the accessible name (WCAG 2.5.3), completed for screen readers.
    els.langButton = h("button", {
      type: "button", class: "lw-tool lw-lang", lang: t("switchLang"), title: t("switchTo"), onclick: switchLanguage
    }, t("switchLabel"), h("span", { class: "lw-visually-hidden", text: " – " + t("switchTo") }));
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
      id: "lw-question", class: "lw-input", rows: "2", maxlength: String(MAX_QUESTION), placeholder: t("placeholder"),
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
    // The introduction scrolls away with the conversation instead of taking room above it.
    els.log.appendChild(h("p", { class: "lw-intro", text: t("intro") }));
    state.messages.forEach(function (m) { els.log.appendChild(renderMessage(m)); });
    updateBusy();
  }

  function onPanelKey(e) {
    if (e.key === "Escape") {
      e.stopPropagation();
      if (!els.handoverView.hidden) { closeHandover(); } else { setOpen(false, true); }
    }
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

  function switchLanguage() {
    state.lang = t("switchLang");
    saveState();
    var handoverOpen = !els.handoverView.hidden;
    build();
    if (handoverOpen) { openHandover(); }
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
        h("p", { class: "lw-bubble", text: m.content }));
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
    var article = h("div", { class: "lw-msg lw-msg-bot" + (m.error ? " lw-msg-error" : ""), lang: m.language || null,
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
      language: null, filters: null, as_of: null, stream: true };
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

  function start() {
    document.body.appendChild(host);
    build();
    if (interruptedQuestion) { els.input.value = interruptedQuestion; }
    if (state.open) { root.classList.add("lw-is-open"); }
    if (restoredConversation && state.open) { announce(t("restored")); }
  }

  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
