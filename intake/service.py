"""Case handling: create, validate, submit, move through the workflow, assign, comment, message,
attach files, issue letters, remind, purge. Every change and every read of personal data is written
to the audit log in the same transaction.

Access: staff (officer, supervisor, admin) see every case; an applicant sees only their own cases
(their account, or the secret case link given at creation); other roles are refused. A case that
exists but is not the caller's answers 404, like a case that does not exist (forged links learn
nothing).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from intake import attachments as files
from intake.crypto import cipher_for
from intake.errors import Conflict, Forbidden, Invalid, IntakeError, NotAuthenticated, NotFound, Unavailable, ValidationFailed
from intake.models import Case, CaseAttachment, CaseEvent, CaseExchange, IdempotencyKey
from intake.validation import ATTACHMENT_KINDS, form_to_jsonable, validate_form
from intake.workflow import (
    EXCEPTION_BUC,
    EXCEPTION_REPLIES,
    EXCEPTION_REQUEST,
    FINISHED_STATES,
    OPEN_STATES,
    STAFF_ROLES,
    STATES,
    allowed_actions,
    check_transition,
    decision_state,
)
from liaison import audit
from liaison.accounts import Account, Principal
from liaison.db import session_scope

log = logging.getLogger("liaison.intake")

CASE_PREFIX = {"continuation": "CT", "exemption": "EX"}
_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUEUE_SORTS = ("deadline", "created", "updated", "reference")
MAX_PER_PAGE = 200
COUNT_CAP = 10_000
ROW_COLUMNS = ("reference", "case_type", "status", "version", "applicant_label", "employer_name", "home_country",
               "work_country", "start_date", "end_date", "route", "deadline_on", "assigned_to", "team",
               "submitted_at", "updated_at", "clock_paused_at")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_reference(case_type: str) -> str:
    token = "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))
    return f"{CASE_PREFIX[case_type]}-{token[:4]}-{token[4:]}"


def _search_condition(q: str):
    """Reference (exact), SIRET (exact) or employer name (case-insensitive prefix: index-friendly)."""
    term = q.strip()[:100]
    compact = term.replace(" ", "")
    if compact.isdigit() and len(compact) == 14:
        return Case.employer_siret == compact
    if len(term) == 12 and term[2:3] == "-" and term[:2].upper() in CASE_PREFIX.values():
        return Case.reference == term.upper()
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(Case.employer_name).like(escaped + "%", escape="\\")


def masked_label(form: dict[str, Any]) -> str:
    person = form.get("person") or {}
    first, last = (person.get("first_name") or "").strip(), (person.get("last_name") or "").strip()
    parts = [f"{first[0]}." if first else "", f"{last[0]}***" if last else ""]
    return " ".join(p for p in parts if p)[:80]


@dataclass(frozen=True)
class Actor:
    """Who acts, from where, and the secret case link they presented (if any)."""

    principal: Principal
    ip: str = ""
    case_key: str | None = None

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def is_staff(self) -> bool:
        return self.principal.role in STAFF_ROLES

    def name_for(self, reference: str | None = None) -> str:
        if self.principal.is_anonymous:
            return f"case-link:{reference}" if reference else "public"
        return self.principal.username

    @property
    def scope(self) -> str:
        """Namespace of idempotency keys."""
        return "public" if self.principal.is_anonymous else f"account:{self.principal.id}"


@dataclass
class NewAttachment:
    kind: str
    filename: str
    data: bytes


class IntakeService:
    def __init__(self, settings, db_url: str):
        self.settings = settings
        self.db_url = db_url
        self.cipher = cipher_for(settings)

    # ---- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction; a lost database or a concurrent change become clear errors, nothing half-written."""
        try:
            with session_scope(self.db_url) as s:
                yield s
        except IntakeError:
            raise
        except StaleDataError as exc:
            raise Conflict("the case was changed by someone else meanwhile; reload it and try again",
                           code="version_conflict") from exc
        except OperationalError as exc:
            log.warning("database unavailable: %s", type(exc).__name__)
            raise Unavailable("the database is unavailable; nothing was saved, please retry") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise Unavailable("the database connection was lost; nothing was saved, please retry") from exc
            raise

    def _audit(self, s: Session, actor: Actor, action: str, case: Case | None, ref: str | None = None,
               **detail) -> None:
        reference = case.reference if case is not None else ref
        audit.record(s, actor=actor.name_for(reference), role=actor.role if not actor.principal.is_anonymous
                     else "public", action=action, object_type="case", object_id=reference or "-",
                     source_ip=actor.ip, detail=detail)

    def _event(self, s: Session, case: Case, actor: Actor, kind: str, *, action: str | None = None,
               from_status: str | None = None, to_status: str | None = None, reason_code: str | None = None,
               body: str | None = None, visibility: str = "internal") -> None:
        s.add(CaseEvent(case_id=case.id, at=_now(), actor=actor.name_for(case.reference),
                        role=actor.role if not actor.principal.is_anonymous else "public", kind=kind, action=action,
                        from_status=from_status, to_status=to_status, reason_code=reason_code,
                        body_enc=self.cipher.encrypt(body) if body else None, visibility=visibility))

    def _load(self, s: Session, reference: str, actor: Actor, *, for_update: bool = False) -> tuple[Case, bool]:
        """The case and whether the actor is its owner; raises 401/403/404 as the access rules say."""
        if actor.principal.is_anonymous and not actor.case_key:
            raise NotAuthenticated("log in, or open the secret link of the case")
        if not actor.is_staff and actor.role != "applicant" and not actor.case_key:
            raise Forbidden(f"role {actor.role!r} has no access to cases")
        if not isinstance(reference, str) or len(reference) > 20:
            raise NotFound("no such case")
        q = select(Case).where(Case.reference == reference)
        if for_update and s.bind.dialect.name == "postgresql":
            q = q.with_for_update()
        case = s.scalar(q)
        if case is None:
            raise NotFound("no such case")
        owner = False
        if actor.case_key and case.access_key_sha256 and hmac.compare_digest(
                _sha256(actor.case_key), case.access_key_sha256):
            owner = True
        elif (not actor.principal.is_anonymous and case.applicant_account_id is not None
              and case.applicant_account_id == actor.principal.id):
            owner = True
        if not owner and not actor.is_staff:
            raise NotFound("no such case")
        return case, owner

    def _deadline_days(self, case_type: str) -> int:
        return self.settings.intake_deadline_days.get(case_type, 60)

    def _attachment_kinds(self, s: Session, case_id: int) -> set[str]:
        return set(s.scalars(select(CaseAttachment.kind).where(CaseAttachment.case_id == case_id)))

    # ---- views -----------------------------------------------------------------------------------

    def _view(self, case: Case, actor: Actor, owner: bool, *, personal: bool) -> dict[str, Any]:
        staff = actor.is_staff
        payload = self.cipher.decrypt_json(case.payload_enc) if personal else None
        proposal = self.cipher.decrypt_json(case.proposal_enc) if (personal and case.proposal_enc) else None
        view = {
            "reference": case.reference, "case_type": case.case_type, "status": case.status, "version": case.version,
            "created_at": case.created_at, "updated_at": case.updated_at, "submitted_at": case.submitted_at,
            "home_country": case.home_country, "work_country": case.work_country,
            "person_status": case.person_status, "start_date": case.start_date, "end_date": case.end_date,
            "requested_months": case.requested_months, "route": case.route, "instrument_id": case.instrument_id,
            "employer_name": case.employer_name, "employer_siret": case.employer_siret,
            "applicant_label": case.applicant_label, "deadline_on": case.deadline_on,
            "clock_paused": case.clock_paused_at is not None, "info_reason": case.info_reason,
            "decision": case.decision, "decided_at": case.decided_at, "legal_basis": case.legal_basis,
            "closed_at": case.closed_at,
            "form": payload.get("form") if payload else None,
            "lang": (payload or {}).get("lang"),
            "allowed_actions": allowed_actions(case.status, actor.role, owner),
        }
        if staff:
            view["exchanges"] = _exchanges(case)
        if staff:
            view.update({
                "assigned_to": case.assigned_to, "team": case.team, "proposed_decision": case.proposed_decision,
                "proposed_by": case.proposed_by, "proposed_at": case.proposed_at, "decided_by": case.decided_by,
                "proposal": proposal,
            })
        elif proposal and case.status in ("accepted", "refused"):
            view["proposal"] = {k: proposal.get(k) for k in ("decision", "period_start", "period_end", "conditions")}
        return view

    @staticmethod
    def _row_from(r) -> dict[str, Any]:
        m = r._mapping
        row = {name: m[name] for name in ROW_COLUMNS if name != "clock_paused_at"}
        row["clock_paused"] = m["clock_paused_at"] is not None
        return row

    @staticmethod
    def _row(case: Case) -> dict[str, Any]:
        """A queue line: no personal data beyond the masked label."""
        return {
            "reference": case.reference, "case_type": case.case_type, "status": case.status,
            "version": case.version, "applicant_label": case.applicant_label, "employer_name": case.employer_name,
            "home_country": case.home_country, "work_country": case.work_country, "start_date": case.start_date,
            "end_date": case.end_date, "route": case.route, "deadline_on": case.deadline_on,
            "assigned_to": case.assigned_to, "team": case.team, "submitted_at": case.submitted_at,
            "updated_at": case.updated_at, "clock_paused": case.clock_paused_at is not None,
        }

    # ---- validation ------------------------------------------------------------------------------

    def validate(self, case_type: str, form: dict[str, Any], *, full: bool, attachment_kinds=frozenset(),
                 lang: str = "en"):
        return validate_form(case_type, form, full=full, max_text_chars=self.settings.intake_max_text_chars,
                             attachment_kinds=set(attachment_kinds), lang=lang)

    def _apply_form(self, case: Case, result, lang: str) -> None:
        form = result.form
        app = result.applicable
        case.payload_enc = self.cipher.encrypt_json({"form": form_to_jsonable(form), "lang": lang})
        case.home_country = form.get("home_country")
        case.work_country = form.get("work_country")
        case.person_status = form.get("status")
        case.start_date = form.get("start_date")
        case.end_date = form.get("end_date")
        employer = form.get("employer") or {}
        case.employer_name = (employer.get("name") or "")[:200]
        case.employer_siret = (employer.get("siret") or None) if len(employer.get("siret") or "") <= 14 else None
        case.applicant_label = masked_label(form)
        case.requested_months = app.total_months if app else None
        case.route = app.route if app else None
        case.instrument_id = (app.instrument or {}).get("id") if app else None
        case.legal_basis = app.legal_basis[:400] if app and app.legal_basis else None

    # ---- create / update -------------------------------------------------------------------------

    def create_case(self, actor: Actor, case_type: str, form: dict[str, Any], *, submit: bool = False,
                    attachments: list[NewAttachment] | None = None, idempotency_key: str | None = None,
                    lang: str = "en") -> tuple[dict[str, Any], str | None, bool]:
        """Returns (case view, secret access key or None, replayed). The key is shown once."""
        if case_type not in CASE_PREFIX:
            raise Invalid(f"case_type must be one of: {', '.join(CASE_PREFIX)}", code="case_type_invalid")
        if not (actor.is_staff or actor.role == "applicant" or actor.principal.is_anonymous):
            raise Forbidden(f"role {actor.role!r} may not create cases")
        attachments = attachments or []
        if len(attachments) > 10:
            raise Invalid("at most 10 attachments per request", code="too_many_attachments")
        for a in attachments:
            if a.kind not in ATTACHMENT_KINDS:
                raise Invalid(f"attachment kind must be one of: {', '.join(ATTACHMENT_KINDS)}",
                              code="attachment_kind_invalid")
        request_hash = None
        if idempotency_key is not None:
            if not 8 <= len(idempotency_key) <= 200 or not idempotency_key.isprintable():
                raise Invalid("Idempotency-Key must be 8-200 printable characters (e.g. a UUID)",
                              code="idempotency_key_invalid")
            request_hash = _sha256(json.dumps(
                {"t": case_type, "f": form, "s": submit,
                 "a": [(a.kind, hashlib.sha256(a.data).hexdigest()) for a in attachments]},
                sort_keys=True, default=str))
            replay = self._replay(actor, idempotency_key, request_hash)
            if replay is not None:
                return replay

        result = self.validate(case_type, form, full=submit, attachment_kinds={a.kind for a in attachments},
                               lang=lang)
        if not result.ok:
            raise ValidationFailed(result, lang)

        stored: list[tuple[NewAttachment, files.StoredFile]] = []
        try:
            for a in attachments:
                stored.append((a, files.store(a.data, self.settings, self.cipher)))
            access_key = secrets.token_urlsafe(24)
            with self._tx() as s:
                now = _now()
                case = Case(reference=new_reference(case_type), case_type=case_type, status="draft", version=1,
                            applicant_account_id=actor.principal.id if actor.role == "applicant" else None,
                            access_key_sha256=_sha256(access_key), created_by=actor.name_for(None),
                            created_at=now, updated_at=now)
                self._apply_form(case, result, lang)
                s.add(case)
                s.flush()
                self._event(s, case, actor, "created", to_status="draft", visibility="applicant")
                self._audit(s, actor, "case.create", case, case_type=case_type, route=case.route)
                for a, f in stored:
                    self._add_attachment_row(s, case, actor, a, f)
                if submit:
                    self._do_submit(s, case, actor, now)
                if idempotency_key is not None:
                    s.add(IdempotencyKey(principal=actor.scope, key=idempotency_key, request_sha256=request_hash,
                                         case_id=case.id, created_at=now))
                    s.add(CaseEvent(case_id=case.id, at=now, actor="system", role="system", kind="idempotency",
                                    body_enc=self.cipher.encrypt(access_key), visibility="system"))
                s.flush()
                view = self._view(case, actor, True, personal=True)
        except IntegrityError:
            for _, f in stored:
                files.delete(f.storage_name, self.settings)
            if idempotency_key is not None:
                replay = self._replay(actor, idempotency_key, request_hash)
                if replay is not None:
                    return replay
            raise
        except BaseException:
            for _, f in stored:
                files.delete(f.storage_name, self.settings)
            raise
        return view, access_key, False

    def _replay(self, actor: Actor, key: str, request_hash: str):
        with self._tx() as s:
            row = s.scalar(select(IdempotencyKey).where(IdempotencyKey.principal == actor.scope,
                                                        IdempotencyKey.key == key))
            if row is None:
                return None
            if row.request_sha256 != request_hash:
                raise Conflict("this Idempotency-Key was already used for a different request", code="idempotency_key_reused")
            case = s.get(Case, row.case_id)
            token_event = s.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                           CaseEvent.kind == "idempotency"))
            access_key = self.cipher.decrypt(token_event.body_enc) if token_event else None
            self._audit(s, actor, "case.replay", case)
            return self._view(case, actor, True, personal=True), access_key, True

    def _add_attachment_row(self, s: Session, case: Case, actor: Actor, a: NewAttachment, f) -> CaseAttachment:
        row = CaseAttachment(case_id=case.id, kind=a.kind, name_enc=self.cipher.encrypt(files.safe_filename(a.filename)),
                             content_type=f.content_type, size=f.size, sha256=f.sha256, storage_name=f.storage_name,
                             uploaded_by=actor.name_for(case.reference), uploaded_at=_now(), scan_status=f.scan_status)
        s.add(row)
        self._event(s, case, actor, "attachment_added", body=f"{a.kind}: {files.safe_filename(a.filename)}",
                    visibility="applicant")
        self._audit(s, actor, "case.attachment_add", case, kind=a.kind, size=f.size, sha256=f.sha256,
                    content_type=f.content_type)
        return row

    def _do_submit(self, s: Session, case: Case, actor: Actor, now: dt.datetime) -> None:
        previous = case.status
        case.status = "submitted"
        case.submitted_at = now
        case.updated_at = now
        case.deadline_on = now.date() + dt.timedelta(days=self._deadline_days(case.case_type))
        self._event(s, case, actor, "transition", action="submit", from_status=previous, to_status="submitted",
                    visibility="applicant")
        self._audit(s, actor, "case.submit", case, route=case.route)

    def get_case(self, actor: Actor, reference: str) -> dict[str, Any]:
        with self._tx() as s:
            case, owner = self._load(s, reference, actor)
            self._audit(s, actor, "case.read_personal", case, what="case")
            view = self._view(case, actor, owner, personal=True)
            view["attachments"] = self._attachments(s, case)
            return view

    def update_case(self, actor: Actor, reference: str, form: dict[str, Any], *, version: int,
                    lang: str = "en") -> dict[str, Any]:
        with self._tx() as s:
            case, owner = self._load(s, reference, actor, for_update=True)
            editable = {"draft", "information_requested"} if owner and not actor.is_staff else \
                {"draft", "submitted", "in_review", "information_requested"}
            if case.status not in editable:
                raise Conflict(f"a case in status {case.status!r} cannot be edited", code="not_editable")
            self._check_version(case, version)
            full = case.status != "draft"
            result = self.validate(case.case_type, form, full=full,
                                   attachment_kinds=self._attachment_kinds(s, case.id), lang=lang)
            if not result.ok:
                raise ValidationFailed(result, lang)
            self._apply_form(case, result, lang)
            case.updated_at = _now()
            self._event(s, case, actor, "updated", visibility="applicant")
            self._audit(s, actor, "case.update", case, route=case.route)
            s.flush()
            return self._view(case, actor, owner, personal=True)

    @staticmethod
    def _check_version(case: Case, version: int | None) -> None:
        if version is None or int(version) != case.version:
            raise Conflict(f"the case changed since you loaded it (your version {version}, current {case.version}); "
                           "reload it and apply your change again", code="version_conflict",
                           extra={"current_version": case.version})

    # ---- workflow --------------------------------------------------------------------------------

    def act(self, actor: Actor, reference: str, action: str, *, version: int, message: str | None = None,
            reason_code: str | None = None, decision: str | None = None, period_start: dt.date | None = None,
            period_end: dt.date | None = None, conditions: str | None = None, legal_basis: str | None = None,
            sed: str | None = None, exchanged_on: dt.date | None = None, lang: str = "en") -> dict[str, Any]:
        limit = self.settings.intake_max_text_chars
        for name, text in (("message", message), ("conditions", conditions), ("legal_basis", legal_basis)):
            if text is not None and len(text) > limit:
                raise Invalid(f"{name} too long: at most {limit} characters", code="too_long")
        with self._tx() as s:
            case, owner = self._load(s, reference, actor, for_update=True)
            four_eyes = self.settings.intake_four_eyes
            t = check_transition(action, status=case.status, role=actor.role, is_owner=owner,
                                 actor=actor.name_for(case.reference), proposed_by=case.proposed_by,
                                 four_eyes=four_eyes, message=message, reason_code=reason_code, decision=decision)
            self._check_version(case, version)
            now = _now()
            today = now.date()
            previous = case.status
            target = t.target
            visibility = "applicant"
            detail: dict[str, Any] = {}

            if action == "submit":
                result = self.validate(case.case_type, self.cipher.decrypt_json(case.payload_enc)["form"], full=True,
                                       attachment_kinds=self._attachment_kinds(s, case.id), lang=lang)
                if not result.ok:
                    raise ValidationFailed(result, lang)
                self._apply_form(case, result, lang)
                self._do_submit(s, case, actor, now)
                s.flush()
                return self._view(case, actor, owner, personal=True)
            if action == "start_review":
                if not case.assigned_to and actor.is_staff:
                    case.assigned_to = actor.principal.username
            elif action == "request_information":
                case.info_reason = reason_code
                case.clock_paused_at = now
                detail["reason_code"] = reason_code
            elif action == "provide_information":
                if case.clock_paused_at is not None:
                    if self.settings.intake_clock_on_information_request == "reset":
                        case.deadline_on = today + dt.timedelta(days=self._deadline_days(case.case_type))
                    elif case.deadline_on:
                        paused_days = (today - case.clock_paused_at.date()).days
                        case.deadline_on = case.deadline_on + dt.timedelta(days=max(paused_days, 0))
                case.clock_paused_at = None
                case.info_reason = None
                case.reminder_sent_for = None
            elif action in ("request_other_state", "record_other_state_reply"):
                visibility = "internal"
                detail.update(self._record_exchange(s, case, actor, action, sed, exchanged_on or today, now))
                if action == "request_other_state":
                    case.clock_paused_at = now  # the centre waits for the other state
                else:
                    if case.clock_paused_at is not None and case.deadline_on:
                        case.deadline_on += dt.timedelta(days=max((today - case.clock_paused_at.date()).days, 0))
                    case.clock_paused_at = None
            elif action == "propose_decision":
                if decision == "accept":
                    start = period_start or case.start_date
                    end = period_end or case.end_date
                    if not start or not end or end < start:
                        raise Invalid("an acceptance needs a period (period_start <= period_end)", code="period_invalid")
                else:
                    start, end = period_start, period_end
                proposal = {
                    "decision": decision, "period_start": start.isoformat() if start else None,
                    "period_end": end.isoformat() if end else None, "conditions": (conditions or "").strip(),
                    "reasons": message.strip(), "legal_basis": (legal_basis or case.legal_basis or "").strip(),
                    "instrument_id": case.instrument_id, "route": case.route,
                }
                if not proposal["legal_basis"]:
                    raise Invalid("state the legal basis of the decision (legal_basis)", code="legal_basis_required")
                case.proposed_decision = decision
                case.proposal_enc = self.cipher.encrypt_json(proposal)
                case.proposed_by = actor.principal.username
                case.proposed_at = now
                case.legal_basis = proposal["legal_basis"][:400]
                visibility = "internal"
                detail["decision"] = decision
                if not self.settings.intake_four_eyes:
                    target = decision_state(decision)
                    case.decision = target
                    case.decided_by = actor.principal.username
                    case.decided_at = now
            elif action == "approve":
                target = decision_state(case.proposed_decision)
                case.decision = target
                case.decided_by = actor.principal.username
                case.decided_at = now
                detail["decision"] = case.proposed_decision
            elif action == "return_proposal":
                case.proposed_decision = None
                case.proposed_by = None
                case.proposed_at = None
                visibility = "internal"
            elif action == "reopen":
                case.closed_at = None
                case.decision = None
                case.decided_by = None
                case.decided_at = None
                case.proposed_decision = None
                case.proposed_by = None
                case.deadline_on = today + dt.timedelta(days=self._deadline_days(case.case_type))
                case.reminder_sent_for = None
            if target in FINISHED_STATES and case.closed_at is None:
                case.closed_at = now
            if target in ("withdrawn",):
                case.clock_paused_at = None
            case.status = target
            case.updated_at = now
            self._event(s, case, actor, "transition", action=action, from_status=previous, to_status=target,
                        reason_code=reason_code, body=message, visibility=visibility)
            if target in ("accepted", "refused"):
                self._event(s, case, actor, "letter_issued", body=f"decision letter ({target})", visibility="applicant")
            self._audit(s, actor, f"case.{action}", case, from_status=previous, to_status=target, **detail)
            s.flush()
            return self._view(case, actor, owner, personal=True)

    def _record_exchange(self, s: Session, case: Case, actor: Actor, action: str, sed: str | None,
                         on: dt.date, now: dt.datetime) -> dict[str, Any]:
        """Record the A001 sent or the A002/A011 received (EESSI LA_BUC_01) with its date; a
        deemed-consent date only where the instrument's text sets a period (none held so far)."""
        if action == "request_other_state":
            if sed not in (None, EXCEPTION_REQUEST):
                raise Invalid(f"the request to the other state is {EXCEPTION_REQUEST}", code="sed_invalid")
            sed, direction = EXCEPTION_REQUEST, "sent"
        else:
            if sed not in EXCEPTION_REPLIES:
                raise Invalid(f"sed must be one of: {', '.join(EXCEPTION_REPLIES)} (rejection, acceptance)",
                              code="sed_invalid")
            direction = "received"
        if on > now.date():
            raise Invalid("the exchange date cannot be in the future", code="date_in_future")
        other = case.work_country if case.case_type == "continuation" else case.home_country
        deemed = None
        if direction == "sent":
            days = _deemed_consent_days(case.instrument_id)
            deemed = on + dt.timedelta(days=days) if days else None
        s.add(CaseExchange(case_id=case.id, buc=EXCEPTION_BUC, sed=sed, direction=direction, other_state=other,
                           exchanged_on=on, deemed_consent_on=deemed, recorded_by=actor.principal.username,
                           recorded_at=now))
        return {"buc": EXCEPTION_BUC, "sed": sed, "direction": direction, "exchanged_on": on.isoformat(),
                **({"other_state_answer": EXCEPTION_REPLIES[sed]} if direction == "received" else {})}

    def assign(self, actor: Actor, reference: str, *, version: int, assigned_to: str | None = None,
               team: str | None = None) -> dict[str, Any]:
        if not actor.is_staff:
            raise Forbidden("only officers and supervisors assign cases")
        if team is not None and team != "" and team not in self.settings.intake_teams:
            raise Invalid(f"team must be one of: {', '.join(self.settings.intake_teams)}", code="team_invalid")
        with self._tx() as s:
            case, owner = self._load(s, reference, actor, for_update=True)
            self._check_version(case, version)
            if assigned_to:
                account = s.scalar(select(Account).where(Account.username == assigned_to, Account.active.is_(True)))
                if account is None or account.role not in STAFF_ROLES:
                    raise Invalid(f"{assigned_to!r} is not an active officer or supervisor", code="assignee_invalid")
            before = (case.assigned_to, case.team)
            case.assigned_to = assigned_to or None
            if team is not None:
                case.team = team or None
            case.updated_at = _now()
            self._event(s, case, actor, "assigned", body=f"{before[0] or '-'} / {before[1] or '-'} -> "
                        f"{case.assigned_to or '-'} / {case.team or '-'}")
            self._audit(s, actor, "case.assign", case, assigned_to=case.assigned_to, team=case.team)
            s.flush()
            return self._view(case, actor, owner, personal=False)

    # ---- comments, messages, history ---------------------------------------------------------------

    def add_note(self, actor: Actor, reference: str, text: str, *, internal: bool) -> dict[str, Any]:
        if not isinstance(text, str) or not text.strip():
            raise Invalid("the text is empty", code="text_required")
        if len(text) > self.settings.intake_max_text_chars:
            raise Invalid(f"text too long: at most {self.settings.intake_max_text_chars} characters", code="too_long")
        with self._tx() as s:
            case, owner = self._load(s, reference, actor)
            if internal and not actor.is_staff:
                raise Forbidden("internal comments are for staff only")
            if case.status == "closed" and not actor.is_staff:
                raise Conflict("the case is closed", code="case_closed")
            kind = "comment" if internal else "message"
            self._event(s, case, actor, kind, body=text.strip(), visibility="internal" if internal else "applicant")
            self._audit(s, actor, f"case.{kind}", case, length=len(text))
            s.flush()
            return {"reference": case.reference, "kind": kind, "at": _now(), "actor": actor.name_for(case.reference)}

    def history(self, actor: Actor, reference: str, *, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        with self._tx() as s:
            case, owner = self._load(s, reference, actor)
            q = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.visibility != "system")
            if not actor.is_staff:
                q = q.where(CaseEvent.visibility == "applicant")
            if kinds:
                q = q.where(CaseEvent.kind.in_(kinds))
            events = list(s.scalars(q.order_by(CaseEvent.id)))
            self._audit(s, actor, "case.read_personal", case, what="history")
            return [{
                "id": e.id, "at": e.at, "actor": e.actor, "role": e.role, "kind": e.kind, "action": e.action,
                "from_status": e.from_status, "to_status": e.to_status, "reason_code": e.reason_code,
                "text": self.cipher.decrypt(e.body_enc) if e.body_enc else None, "visibility": e.visibility,
            } for e in events]

    # ---- attachments -----------------------------------------------------------------------------

    def _attachments(self, s: Session, case: Case) -> list[dict[str, Any]]:
        rows = s.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id).order_by(CaseAttachment.id))
        return [{"id": a.id, "kind": a.kind, "filename": self.cipher.decrypt(a.name_enc), "content_type": a.content_type,
                 "size": a.size, "sha256": a.sha256, "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at,
                 "scan_status": a.scan_status} for a in rows]

    def add_attachment(self, actor: Actor, reference: str, kind: str, filename: str, data: bytes) -> dict[str, Any]:
        if kind not in ATTACHMENT_KINDS:
            raise Invalid(f"attachment kind must be one of: {', '.join(ATTACHMENT_KINDS)}", code="attachment_kind_invalid")
        with self._tx() as s:  # check access before touching the disk
            case, owner = self._load(s, reference, actor)
            if case.status in FINISHED_STATES or (owner and not actor.is_staff and case.status not in
                                                  ("draft", "information_requested", "submitted", "in_review")):
                raise Conflict(f"no attachments can be added to a case in status {case.status!r}", code="not_editable")
        stored = files.store(data, self.settings, self.cipher)
        try:
            with self._tx() as s:
                case, owner = self._load(s, reference, actor)
                row = self._add_attachment_row(s, case, actor, NewAttachment(kind, filename, data), stored)
                s.flush()
                return {"id": row.id, "kind": kind, "filename": files.safe_filename(filename),
                        "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256,
                        "scan_status": stored.scan_status}
        except BaseException:
            files.delete(stored.storage_name, self.settings)
            raise

    def list_attachments(self, actor: Actor, reference: str) -> list[dict[str, Any]]:
        with self._tx() as s:
            case, _ = self._load(s, reference, actor)
            self._audit(s, actor, "case.read_personal", case, what="attachment_list")
            return self._attachments(s, case)

    def read_attachment(self, actor: Actor, reference: str, attachment_id: int) -> tuple[dict[str, Any], bytes]:
        with self._tx() as s:
            case, _ = self._load(s, reference, actor)
            row = s.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id,
                                                        CaseAttachment.id == attachment_id))
            if row is None:
                raise NotFound("no such attachment")
            data = files.read(row.storage_name, self.settings, self.cipher, row.sha256)
            self._audit(s, actor, "case.read_personal", case, what="attachment", attachment_id=row.id)
            return ({"filename": self.cipher.decrypt(row.name_enc), "content_type": row.content_type,
                     "sha256": row.sha256}, data)

    # ---- letters ---------------------------------------------------------------------------------

    def letter(self, actor: Actor, reference: str, lang: str = "fr", fmt: str = "html") -> tuple[str | bytes, str]:
        from intake import letters

        if lang not in ("fr", "en"):
            raise Invalid("lang must be fr or en", code="lang_invalid")
        if fmt not in ("html", "pdf"):
            raise Invalid("format must be html or pdf", code="format_invalid")
        with self._tx() as s:
            case, owner = self._load(s, reference, actor)
            draft = case.status == "decision_proposed"
            if case.decision is None and not (draft and actor.is_staff):
                raise Conflict("no decision has been taken on this case yet", code="no_decision")
            view = self._view(case, actor, owner, personal=True)
            view.update(decided_by=case.decided_by, proposed_by=case.proposed_by)  # the letter names its signatories
            proposal = self.cipher.decrypt_json(case.proposal_enc) if case.proposal_enc else {}
            self._audit(s, actor, "case.read_personal", case, what="letter", lang=lang, format=fmt, draft=draft)
        html = letters.render_html(view, proposal, lang=lang, draft=draft, settings=self.settings)
        if fmt == "html":
            return html, "text/html; charset=utf-8"
        return letters.to_pdf(html), "application/pdf"

    # ---- queue -----------------------------------------------------------------------------------

    def list_cases(self, actor: Actor, *, status: list[str] | None = None, case_type: str | None = None,
                   assigned_to: str | None = None, team: str | None = None, work_country: str | None = None,
                   deadline_before: dt.date | None = None, overdue: bool = False, route: str | None = None,
                   q: str | None = None, sort: str = "deadline", page: int = 1, per_page: int = 50) -> dict[str, Any]:
        if actor.principal.is_anonymous:
            raise NotAuthenticated("log in to see your cases")
        if not actor.is_staff and actor.role != "applicant":
            raise Forbidden(f"role {actor.role!r} has no access to cases")
        if status:
            bad = [x for x in status if x not in STATES]
            if bad:
                raise Invalid(f"unknown status {bad[0]!r}; allowed: {', '.join(STATES)}", code="status_invalid")
        if sort not in QUEUE_SORTS:
            raise Invalid(f"sort must be one of: {', '.join(QUEUE_SORTS)}", code="sort_invalid")
        page = max(1, min(int(page), 100_000))
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        conds = []
        if actor.is_staff:
            conds.append(Case.status.in_(status) if status else Case.status != "draft")
        else:
            conds.append(Case.applicant_account_id == actor.principal.id)
            if status:
                conds.append(Case.status.in_(status))
        if case_type:
            conds.append(Case.case_type == case_type)
        if actor.is_staff and assigned_to:
            if assigned_to == "none":
                conds.append(Case.assigned_to.is_(None))
            else:
                conds.append(Case.assigned_to == (actor.principal.username if assigned_to == "me" else assigned_to))
        if actor.is_staff and team:
            conds.append(Case.team == team)
        if work_country:
            conds.append(Case.work_country == work_country.upper()[:2])
        if route:
            conds.append(Case.route == route)
        if deadline_before:
            conds.append(Case.deadline_on <= deadline_before)
        if overdue:
            conds.append(Case.deadline_on < dt.date.today())
            conds.append(Case.status.in_(tuple(OPEN_STATES - {"draft"})))
            conds.append(Case.clock_paused_at.is_(None))
        if q:
            conds.append(_search_condition(q))
        order = {
            "deadline": (Case.deadline_on.asc().nulls_last(), Case.id),
            "created": (Case.created_at.desc(), Case.id.desc()),
            "updated": (Case.updated_at.desc(), Case.id.desc()),
            "reference": (Case.reference,),
        }[sort]
        columns = [getattr(Case, name) for name in ROW_COLUMNS]
        with self._tx() as s:
            # Counting every match of a broad filter over 100k cases costs more than the page itself:
            # count up to COUNT_CAP and say whether the total is exact.
            capped = select(Case.id).where(*conds).limit(COUNT_CAP + 1).subquery()
            total = s.scalar(select(func.count()).select_from(capped))
            rows = s.execute(select(*columns).where(*conds).order_by(*order)
                             .offset((page - 1) * per_page).limit(per_page))
            items = [self._row_from(r) for r in rows]
        exact = total <= COUNT_CAP
        return {"items": items, "total": min(total, COUNT_CAP), "total_exact": exact, "page": page,
                "per_page": per_page}

    # ---- reminders, retention, export ------------------------------------------------------------

    def run_reminders(self, actor: Actor, today: dt.date | None = None) -> list[dict[str, Any]]:
        """Record a reminder on each running case whose deadline is within `intake_reminder_days` (or
        passed), once per deadline. Does not change the case version (officers' edits are not disturbed)."""
        today = today or dt.date.today()
        horizon = today + dt.timedelta(days=self.settings.intake_reminder_days)
        sent = []
        with self._tx() as s:
            due = list(s.scalars(select(Case).where(
                Case.status.in_(("submitted", "in_review", "decision_proposed")), Case.clock_paused_at.is_(None),
                Case.deadline_on.is_not(None), Case.deadline_on <= horizon,
                or_(Case.reminder_sent_for.is_(None), Case.reminder_sent_for != Case.deadline_on))))
            for case in due:
                days = (case.deadline_on - today).days
                text = (f"deadline {case.deadline_on.isoformat()} "
                        + (f"in {days} day(s)" if days >= 0 else f"passed {-days} day(s) ago")
                        + f"; assigned to {case.assigned_to or 'nobody'}")
                self._event(s, case, actor, "reminder", body=text)
                self._audit(s, actor, "case.reminder", case, deadline=case.deadline_on, assigned_to=case.assigned_to)
                s.execute(update(Case).where(Case.id == case.id).values(reminder_sent_for=case.deadline_on)
                          .execution_options(synchronize_session=False))
                sent.append({"reference": case.reference, "deadline_on": case.deadline_on, "days_left": days,
                             "assigned_to": case.assigned_to})
        return sent

    def purge(self, actor: Actor, *, dry_run: bool = True, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Delete closed/withdrawn cases older than their type's retention period (with history,
        attachments and files). The audit log keeps one masked entry per purged case."""
        now = now or _now()
        victims: list[dict[str, Any]] = []
        with self._tx() as s:
            conds = []
            for case_type, days in self.settings.intake_retention_days.items():
                conds.append((Case.case_type == case_type) & (Case.closed_at < now - dt.timedelta(days=days)))
            if not conds:
                return []
            cases = list(s.scalars(select(Case).where(Case.status.in_(("closed", "withdrawn")), or_(*conds))
                                   .order_by(Case.id)))
            for case in cases:
                victims.append({"reference": case.reference, "case_type": case.case_type, "status": case.status,
                                "closed_at": case.closed_at})
            if dry_run or not cases:
                return victims
            ids = [c.id for c in cases]
            storage = list(s.scalars(select(CaseAttachment.storage_name).where(CaseAttachment.case_id.in_(ids))))
            for case in cases:
                self._audit(s, actor, "case.purge", case, case_type=case.case_type, closed_at=case.closed_at)
            s.execute(delete(IdempotencyKey).where(IdempotencyKey.case_id.in_(ids)))
            s.execute(delete(CaseAttachment).where(CaseAttachment.case_id.in_(ids)))
            s.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(ids)))
            s.execute(delete(Case).where(Case.id.in_(ids)).execution_options(synchronize_session=False))
        for name in storage:
            files.delete(name, self.settings)
        return victims

    def export(self, actor: Actor, *, personal: bool = False, status: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """All cases (masked rows; with `personal`, decrypted forms, each read audited)."""
        if not actor.is_staff:
            raise Forbidden("export is for staff")
        with self._tx() as s:
            q = select(Case).order_by(Case.id)
            if status:
                q = q.where(Case.status.in_(status))
            for case in s.scalars(q):
                row = self._row(case)
                if personal:
                    row["form"] = self.cipher.decrypt_json(case.payload_enc).get("form")
                    self._audit(s, actor, "case.read_personal", case, what="export")
                yield row
            self._audit(s, actor, "case.export", None, ref="*", personal=personal)


def _exchanges(case: Case) -> list[dict[str, Any]]:
    """The case's exchanges with the other state, oldest first (staff view)."""
    from sqlalchemy.orm import object_session

    session = object_session(case)
    if session is None or case.id is None:
        return []
    rows = session.execute(select(CaseExchange).where(CaseExchange.case_id == case.id).order_by(CaseExchange.id)).scalars()
    return [{"buc": e.buc, "sed": e.sed, "direction": e.direction, "other_state": e.other_state,
             "exchanged_on": e.exchanged_on.isoformat(),
             "deemed_consent_on": e.deemed_consent_on.isoformat() if e.deemed_consent_on else None,
             "recorded_by": e.recorded_by} for e in rows]


def _deemed_consent_days(instrument_id: str | None) -> int:
    """Days after which the other state's silence counts as consent, where the instrument's text sets
    it (Agreement.deemed_consent_days); 0 when no text held sets one."""
    if not instrument_id:
        return 0
    from liaison.coordination import load_rules

    rules = load_rules()
    row = rules.get(instrument_id)
    family = row.family if row else instrument_id.split(":", 1)[0]
    agreement = rules.agreement(family)
    return agreement.deemed_consent_days if agreement else 0
