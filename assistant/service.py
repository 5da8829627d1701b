"""The assistant service: question in, grounded answer out (used by the API, the CLI and the evals).

Pipeline: guard (refuse / strip instructions) -> follow-up resolution against the session -> language
-> retrieval (routing, cache) -> evidence (anchors + coverage, threshold) -> engine (extractive or llm,
LangChain runnables) -> contact scrubbing -> masked log (the session's memory) -> response.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from assistant.answer import AnswerContext, Draft
from assistant.evidence import Evidence, assess
from assistant.extractive import extractive_engine
from assistant.followup import resolve
from assistant.guard import scrub_contacts, screen_question, wants_human
from assistant.ids import new_id, new_session_id, session_secret, valid_session_id
from assistant.language import ANSWER_LANGUAGES, LanguageGuess, detect_language
from assistant.messages import msg
from assistant.models import QuestionLog
from assistant.next_step import STEP_URLS, next_step, place_lead
from assistant.places import EU_EEA_CH, display_name, places_in
from assistant.retrieval import retrieve
from assistant.schemas import AskRequest, AskResponse, Citation
from assistant.sources import document_url
from assistant.text import fold
from assistant.topics import in_domain, topic_of
from liaison import metrics
from liaison.db import group_write, session_scope
from liaison.pii import mask_pii

log = logging.getLogger("liaison.assistant")

_HEALTH_ROUTES = {
    "directive 2011/24 soins transfrontaliers remboursement autorisation préalable":
        "directive 2011/24 soins transfrontaliers remboursement autorisation prealable",
    "carte européenne d'assurance maladie soins imprévus formulaire S2 soins programmés":
        "carte europeenne assurance maladie ceam soins imprevus s2 programmes",
}


_EU_TERMS = "eee europeen europeenne union suisse reglement reglements ceam"
_OUTSIDE_EU_TERMS = "hors convention etranger pays tiers"


def regime_terms(query: str) -> frozenset[str]:
    """Words of the texts that apply to the places named: EU/EEA/Swiss rules for a member state,
    rules for other countries otherwise (French territories have their own instruments)."""
    from assistant.places import TERRITORIES
    from assistant.terms import term_set

    codes = [c for c in places_in(query) if c != "FR" and c not in TERRITORIES]
    if not codes:
        return frozenset()
    if any(c in EU_EEA_CH for c in codes):
        return term_set(_EU_TERMS)
    return term_set(_OUTSIDE_EU_TERMS)


class AskError(ValueError):
    """Bad request to the assistant (unknown filter key, bad as_of ...): a 4xx, message says why."""


@dataclass
class AskResult:
    response: AskResponse
    draft: Draft
    evidence: Evidence | None
    passages: list = field(default_factory=list)


def _as_of_int(value) -> int | None:
    if value is None:
        return None
    return value.year * 10000 + value.month * 100 + value.day


class AssistantService:
    def __init__(self, settings, db_url: str | None = None, kb=None) -> None:
        self.settings = settings
        self.db_url = db_url or settings.resolved_database_url
        self._kb = kb
        from assistant.retrieval import search_cache

        search_cache.configure(settings.search_cache_size, settings.search_cache_ttl_s)

    @property
    def kb(self):
        if self._kb is None:
            from assistant.kb_access import get_knowledge_base

            self._kb = get_knowledge_base(self.settings)
        return self._kb

    def warm_up(self) -> None:
        """Load what the first questions would otherwise wait for (embedding model, index, language
        models). A missing or empty index is not an error here: questions will say so."""
        try:
            if self.kb.stats().get("chunks"):
                self.kb.search("warm up: détachement d'un salarié", k=3)
        except Exception as exc:  # noqa: BLE001 - start-up must not fail on a missing index
            log.warning("warm-up skipped: %s", exc)
        detect_language("Je travaille à l'étranger, suis-je couvert ?")

    # --- conversation memory ----------------------------------------------------------------------
    def _conversation_secret(self) -> bytes:
        secret = getattr(self, "_session_secret", None)
        if secret is None:
            secret = self._session_secret = session_secret(self.settings)
        return secret

    def _session_turns(self, session_id: str) -> list[QuestionLog]:
        limit = self.settings.session_max_turns
        if limit <= 0:
            return []
        with session_scope(self.db_url) as s:
            rows = s.scalars(select(QuestionLog).where(QuestionLog.session_id == session_id)
                             .order_by(QuestionLog.turn.desc()).limit(limit)).all()
            return list(reversed(rows))

    # --- answering --------------------------------------------------------------------------------
    def ask(self, req: AskRequest, *, channel: str = "api", log_question: bool = True) -> AskResult:
        started = time.perf_counter()
        # Only an id this server issued continues a conversation; any other (chosen, guessed, from another
        # installation) starts a new one under a fresh id, and never reads another conversation.
        secret = self._conversation_secret()
        known = valid_session_id(secret, req.session_id)
        session_id = req.session_id if known else new_session_id(secret)
        turns = self._session_turns(session_id) if known else []
        screening = screen_question(req.question)

        if req.history:
            from assistant.followup import resolve_history

            previous_user = [m.content for m in req.history if m.role == "user"][-self.settings.session_max_turns:]
            resolution = resolve_history(screening.question, previous_user) if screening.question else None
        else:
            resolution = resolve(screening.question, [t.resolved_query for t in turns]) if screening.question else None
        language = detect_language(screening.question or req.question, hint=req.language)
        if resolution and resolution.followup:
            language = self._followup_language(language, turns, req)

        evidence = None
        passages: list = []
        if screening.refuse:
            draft = self._refusal(screening.refuse, language)
        elif wants_human(screening.question) and len(screening.question) < 200:
            text = msg(self._write_lang(language), "human")
            draft = Draft(text=text, cited=[], segments=[text], handover_suggested=True, info={"handover": "asked"})
        elif (catalogue := self._eessi_draft(screening.question, language, req)) is not None:
            draft = catalogue  # a SED/BUC/E-form question: answered from the EESSI catalogue, cited
        else:
            query = resolution.query
            filters = dict(req.filters) if req.filters else None
            try:
                passages = retrieve(self.kb, query, language=language.code, filters=filters,
                                    as_of=_as_of_int(req.as_of), k=self.settings.retrieval_k)
            except ValueError as exc:
                raise AskError(str(exc)) from exc
            evidence = assess(query, passages, language.code)
            if not in_domain(query, language.code):
                evidence.out_of_domain = True
            needed = max(self.settings.abstention_threshold,
                         self.settings.offdomain_min_evidence if evidence.out_of_domain else 0.0)
            if evidence.missing or evidence.score < needed or not passages:
                draft = self._abstention(evidence, language)
            else:
                ctx = AnswerContext(question=screening.question, query=query, language=language, passages=passages,
                                    evidence=evidence, settings=self.settings,
                                    route_passages=self._health_routes(query, filters, req.as_of),
                                    regime_terms=regime_terms(query))
                draft = self._engine(req.engine or self.settings.assistant_engine).invoke(ctx)
                if draft.abstained and not draft.text:
                    draft = self._abstention(evidence, language)
                else:
                    self._frame(draft, screening.question, resolution, language)
        response = self._finish(draft, req, session_id, language, evidence)
        latency_ms = int((time.perf_counter() - started) * 1000)
        if log_question:
            self._log(response, draft, req.question, resolution.query if resolution else "", (turns[-1].turn + 1) if turns else 0,
                      evidence, latency_ms, channel)
        return AskResult(response=response, draft=draft, evidence=evidence, passages=passages)

    def stream(self, req: AskRequest, *, channel: str = "api") -> Iterator[tuple[str, object]]:
        """('delta', {"text"}) events, then ('citations', [...]) and ('done', response dict)."""
        result = self.ask(req, channel=channel)
        for segment in result.draft.segments or [result.response.answer]:
            yield "delta", {"text": segment}
        notice = result.response.notice
        if notice and result.draft.segments:
            yield "delta", {"text": "\n" + notice}
        yield "citations", [c.model_dump() for c in result.response.citations]
        yield "done", result.response.model_dump()

    def _eessi_draft(self, question: str, language: LanguageGuess, req: AskRequest) -> Draft | None:
        if not question or req.filters or req.as_of:  # a restricted search is the caller's choice
            return None
        from eessi.assist import catalogue_draft

        return catalogue_draft(question, language.code, self.settings, self._kb_or_none())

    def _kb_or_none(self):
        try:
            return self.kb
        except Exception:  # noqa: BLE001 - the catalogue answers without an index
            return None

    # A follow-up of a few words ("et si c'est au Luxembourg ?") is a weak language sample: unless it
    # is clearly in another language, the conversation's language holds.
    _FOLLOWUP_SWITCH_CONFIDENCE = 0.8

    def _followup_language(self, guess: LanguageGuess, turns, req: AskRequest) -> LanguageGuess:
        if turns:
            previous = turns[-1].language
        else:
            users = [m.content for m in (req.history or []) if m.role == "user"]
            previous = detect_language(users[-1], hint=req.language).code if users else None
        if not previous or previous == guess.code:
            return guess
        if not guess.detected or guess.confidence < self._FOLLOWUP_SWITCH_CONFIDENCE:
            return LanguageGuess(previous, guess.confidence, False)
        return guess

    def _engine(self, name: str):
        if name == "llm":
            from assistant.llm_engine import build_llm_engine

            return build_llm_engine()
        if name != "extractive":
            raise AskError(f"unknown engine {name!r}; allowed: extractive, llm")
        return extractive_engine

    def _health_routes(self, query: str, filters, as_of) -> dict:
        """For care in another European country, passages on both routes (directive / regulations)."""
        folded = fold(query)
        if topic_of(query) not in ("healthcare_abroad", "cross_border_healthcare"):
            return {}
        european = any(c in EU_EEA_CH and c != "FR" for c in places_in(query)) or any(
            w in folded for w in ("europe", " ue ", " eu ", "eee", "eea", "etat membre", "member state"))
        if not european:
            return {}
        routes = {}
        for search, label in _HEALTH_ROUTES.items():
            try:
                routes[label] = retrieve(self.kb, search, filters=filters, as_of=_as_of_int(as_of), k=3, internal=True)
            except ValueError:
                return {}
        return routes

    def _frame(self, draft: Draft, question: str, resolution, language: LanguageGuess) -> None:
        """Around the engine's answer: a first line naming the place a follow-up brings in ("et pour
        l'Italie ?" -> Italy and the regime it falls under), and a last line with the next step."""
        from assistant.followup import strip_connector

        lang = self._write_lang(language)
        if not draft.segments:
            draft.segments = [draft.text + "\n"]
        if resolution.followup:
            lead = place_lead(places_in(strip_connector(question)), lang)
            if lead:
                draft.segments.insert(0, lead + "\n\n")
        step = next_step(resolution.query, lang)
        draft.segments.append("\n\n" + step.text)
        draft.text = "".join(draft.segments).strip()
        draft.info["next_step"] = step.situation

    # --- fixed answers ----------------------------------------------------------------------------
    def _write_lang(self, language: LanguageGuess) -> str:
        return language.code if language.code in ANSWER_LANGUAGES else "fr"

    def _refusal(self, kind: str, language: LanguageGuess) -> Draft:
        lang = self._write_lang(language)
        key = {"fraud": "refuse_fraud", "personal_data": "refuse_personal"}.get(kind, "refuse_injection")
        text = msg(lang, key)
        return Draft(text=text, cited=[], abstained=True, refused=True, segments=[text],
                     handover_suggested=kind == "personal_data", info={"refused": kind})

    def _abstention(self, evidence: Evidence, language: LanguageGuess) -> Draft:
        lang = self._write_lang(language)
        parts = [msg(lang, "abstain")]
        whats = []
        for kind, value in evidence.missing:
            if kind == "agreement":
                whats.append(msg(lang, "agreement_missing", place=display_name(value, lang)))
            elif kind == "territory":
                whats.append(msg(lang, "territory_missing", place=display_name(value, lang)))
            elif kind == "year":
                whats.append(msg(lang, "year_missing", year=value))
            elif kind in ("article", "code_article"):
                whats.append(msg(lang, "article_missing"))
        if whats:
            parts.append(msg(lang, "no_sources_for", what=", ".join(whats)))
        parts.append(msg(lang, "handover", contact=self.settings.handover_contact))
        text = " ".join(parts)
        return Draft(text=text, cited=[], abstained=True, segments=[text], handover_suggested=True,
                     info={"evidence": evidence.score, "missing": evidence.missing})

    # --- output -----------------------------------------------------------------------------------
    def _finish(self, draft: Draft, req: AskRequest, session_id: str, language: LanguageGuess,
                evidence: Evidence | None) -> AskResponse:
        s = self.settings
        sources = [c.passage.hit.text for c in draft.cited] + [c.passage.text for c in draft.cited]
        allowed_urls = list(s.allowed_urls) + [s.handover_contact] + list(STEP_URLS)
        text = scrub_contacts(draft.text, sources, allowed_urls, s.allowed_phones, s.allowed_emails)
        segments = [scrub_contacts(seg, sources, allowed_urls, s.allowed_phones, s.allowed_emails) for seg in draft.segments]
        draft.segments = segments
        draft.text = text
        citations = []
        for c in draft.cited:
            quote = " … ".join(c.quotes)[:1200]
            m = c.passage.meta
            citations.append(Citation(
                n=c.n, path=c.passage.path, ref=c.passage.ref, title=c.passage.title, quote=quote,
                url=str(m.get("url", "") or ""), document_url=document_url(c.passage, c.quotes[0] if c.quotes else ""),
                version_date=str(m.get("version_date") or "") or None, instrument_type=m.get("instrument_type")))
        return AskResponse(
            answer_id=new_id("answer", session_id, req.question), session_id=session_id, answer=text,
            abstained=draft.abstained, language=language.code, citations=citations,
            handover_suggested=draft.handover_suggested or draft.abstained and not draft.refused,
            notice="\n".join(draft.notices) or None, engine=draft.engine, refused=draft.refused,
            evidence=evidence.score if evidence else 0.0,
        )

    def _log(self, response: AskResponse, draft: Draft, question: str, resolved: str, turn: int,
             evidence: Evidence | None, latency_ms: int, channel: str) -> None:
        metrics.ANSWERS.labels(draft.engine, "abstained" if response.abstained else "answered").inc()
        try:
            group_write(self.db_url, [QuestionLog(
                id=response.answer_id, session_id=response.session_id, turn=turn, question=mask_pii(question),
                resolved_query=mask_pii(resolved), answer=mask_pii(response.answer), language=response.language,
                engine=draft.engine, abstained=response.abstained, handover_suggested=response.handover_suggested,
                topic=topic_of(resolved or question), evidence=evidence.score if evidence else 0.0,
                citations=json.dumps([{"path": c.path, "ref": c.ref} for c in response.citations]),
                latency_ms=latency_ms, channel=channel[:20])])
        except Exception:  # the answer is still given; the failure is visible in the logs
            log.exception("could not log answer %s", response.answer_id)
        log.info("answer %s session=%s lang=%s abstained=%s evidence=%.3f %d ms q=%r", response.answer_id,
                 response.session_id, response.language, response.abstained, evidence.score if evidence else 0.0,
                 latency_ms, mask_pii(question)[:200])
