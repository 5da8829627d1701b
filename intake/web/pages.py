"""Public form pages (/forms/...) and the case console (/console/cases...), server-rendered, usable
without JavaScript. Logged-in users come with the console session cookie (`liaison_session`);
applicants without an account use the secret case link (`?key=`)."""
from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.deps import PrincipalDep, SettingsDep
from intake.errors import Conflict, Forbidden, IntakeError, Invalid, ValidationFailed
from intake.http import IntakeRoute, ServiceDep, get_actor, has_route, pick_lang
from intake.web.render import WEB, csrf_ok, page, render_error

router = APIRouter(route_class=IntakeRoute, include_in_schema=False)

STATIC_FILES = {"intake.css": "text/css"}
FORM_TYPES = ("continuation", "exemption")


# ---- helpers -------------------------------------------------------------------------------------

def _nested(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """'person.last_name' -> {'person': {'last_name': ...}}; 'previous_postings.0.country' -> list rows."""
    out: dict[str, Any] = {}
    rows: dict[int, dict[str, Any]] = {}
    for name, value in items:
        if not isinstance(value, str) or name in ("csrf", "op", "idempotency_key", "lang", "version"):
            continue
        parts = name.split(".")
        if parts[0] == "previous_postings" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < 50:
            rows.setdefault(int(parts[1]), {})[parts[2]] = value.strip() or None
            continue
        if len(parts) > 2 or not all(p.replace("_", "").isalnum() for p in parts):
            continue
        if value.strip() == "":
            continue
        if len(parts) == 2:
            out.setdefault(parts[0], {})[parts[1]] = value
        else:
            out[parts[0]] = value
    if rows:
        out["previous_postings"] = [rows[i] for i in sorted(rows)]
    return out


def _get(form: dict[str, Any], path: str) -> Any:
    cur: Any = form
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _form_context(request: Request, settings, lang: str, case_type: str, form: dict[str, Any],
                  errors: dict[str, list[str]] | None = None, **extra) -> dict[str, Any]:
    from intake.countries import FRANCE_DOM, all_countries
    from intake.messages import PERSON_STATUS_LABELS, pick
    from intake.rules import STATUSES
    from intake.validation import ATTACHMENT_KINDS, BOOLEANS

    countries = all_countries(lang)
    previous = list(form.get("previous_postings") or [])
    rows = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in p.items()} for p in previous
            if isinstance(p, dict)]
    while len(rows) < max(3, len(previous) + 1):
        rows.append({"country": None, "start_date": None, "end_date": None})

    def v(path: str):
        value = _get(form, path)
        return value.isoformat() if isinstance(value, dt.date) else value

    return dict(
        case_type=case_type, errors=errors or {}, v=v, countries=countries,
        french_side=[(c, n) for c, n in countries if c in FRANCE_DOM],
        statuses=[(s, pick(PERSON_STATUS_LABELS[s], lang)) for s in STATUSES],
        request_kinds=[("initial", "Première demande" if lang == "fr" else "Initial request"),
                       ("extension", "Prolongation" if lang == "fr" else "Extension")],
        previous_rows=rows, attachment_kinds=ATTACHMENT_KINDS, booleans=BOOLEANS,
        yes_no=[("yes", "Oui" if lang == "fr" else "Yes"), ("no", "Non" if lang == "fr" else "No")], max_text=settings.intake_max_text_chars,
        idempotency_key=extra.pop("idempotency_key", None) or str(uuid.uuid4()),
        reference=None, status=None, version=None, notice=None, access_link=None, applicable=None,
        existing_attachments=[], had_files=False, **extra,
    )


async def _files(form) -> list:
    from intake.service import NewAttachment

    out = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile) and name.startswith("file.") and value.filename:
            data = await value.read()
            if data:
                out.append(NewAttachment(name[5:], value.filename, data))
    return out


def _check_csrf(request: Request, form) -> None:
    if not csrf_ok(request, form.get("csrf")):
        raise Forbidden("the form expired or came from another site: reload the page and try again", code="csrf")


def _link(settings, reference: str, key: str | None, lang: str) -> str | None:
    if not key:
        return None
    return f"{settings.public_base_url}/forms/cases/{reference}?key={quote(key)}&lang={lang}"


# ---- static and index ----------------------------------------------------------------------------

@router.get("/forms/static/{name}")
def static(name: str):
    if name not in STATIC_FILES:
        return Response(status_code=404)
    return FileResponse(WEB / "static" / name, media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/forms")
@router.get("/forms/")
def forms_index(request: Request):
    return page(request, "forms_index.html", lang=pick_lang(request))


@router.get("/forms/resume")
def forms_resume(request: Request, reference: str = "", key: str = ""):
    lang = pick_lang(request)
    ref = reference.strip().upper()[:20]
    return RedirectResponse(f"/forms/cases/{quote(ref)}?{urlencode({'key': key.strip()[:200], 'lang': lang})}",
                            status_code=303)


# ---- inquiry (case type 3: stored by the assistant's inquiries module) ------------------------------

@router.get("/forms/inquiry")
def inquiry_form(request: Request):
    return page(request, "inquiry_form.html", lang=pick_lang(request), sent=None, error=None)


@router.post("/forms/inquiry")
async def inquiry_post(request: Request, settings: SettingsDep, principal: PrincipalDep):
    from api.deps import get_db_url, rate_limit_anonymous

    rate_limit_anonymous(request, principal)
    form = await request.form()
    lang = pick_lang(request, form.get("lang"))
    _check_csrf(request, form)
    try:
        from assistant.inquiries import create_inquiry
    except ImportError:
        return render_error(request, 503, "inquiries are not available on this installation")
    message = (form.get("message") or "").strip()
    if not message or len(message) > 5000:
        return page(request, "inquiry_form.html", lang=lang, sent=None, status_code=422,
                    error="Message requis (5000 caractères au plus)." if lang == "fr" else
                    "A message is required (at most 5000 characters).")
    from starlette.concurrency import run_in_threadpool

    try:
        created = await run_in_threadpool(
            create_inquiry, get_db_url(request), name=(form.get("name") or None), email=(form.get("email") or None),
            message=message, language=lang, source="form", settings=request.app.state.settings)
    except ValueError as exc:
        return page(request, "inquiry_form.html", lang=lang, sent=None, status_code=422, error=str(exc)[:300])
    return page(request, "inquiry_form.html", lang=lang, sent=created.reference, error=None, status_code=201)


# ---- new case forms ------------------------------------------------------------------------------

@router.get("/forms/{case_type}")
def form_new(request: Request, case_type: str, settings: SettingsDep):
    if case_type not in FORM_TYPES:
        return render_error(request, 404, "unknown form")
    lang = pick_lang(request)
    return page(request, "form_case.html", lang=lang,
                **_form_context(request, settings, lang, case_type, {}, action=f"/forms/{case_type}?lang={lang}"))


@router.post("/forms/{case_type}")
async def form_post(request: Request, case_type: str, settings: SettingsDep, service: ServiceDep,
                    principal: PrincipalDep):
    from starlette.concurrency import run_in_threadpool

    from api.deps import rate_limit_anonymous

    if case_type not in FORM_TYPES:
        return render_error(request, 404, "unknown form")
    rate_limit_anonymous(request, principal)
    form = await request.form()
    lang = pick_lang(request, form.get("lang"))
    _check_csrf(request, form)
    op = form.get("op") or "save"
    raw = _nested(list(form.multi_items()))
    attachments = await _files(form)
    actor = get_actor(request, principal)
    action = f"/forms/{case_type}?lang={lang}"
    if op == "check":
        result = service.validate(case_type, raw, full=True, attachment_kinds={a.kind for a in attachments}, lang=lang)
        ctx = _form_context(request, settings, lang, case_type, result.form or raw, result.errors_by_field(lang),
                            action=action, idempotency_key=form.get("idempotency_key"))
        ctx.update(applicable=result.applicable.to_dict() if result.applicable else None, had_files=bool(attachments))
        return page(request, "form_case.html", lang=lang, status_code=200 if result.ok else 422, **ctx)
    try:
        view, key, _ = await run_in_threadpool(
            lambda: service.create_case(actor, case_type, raw, submit=(op == "submit"), attachments=attachments,
                                        idempotency_key=(form.get("idempotency_key") or None), lang=lang))
    except ValidationFailed as exc:
        result = exc.result
        ctx = _form_context(request, settings, lang, case_type, result.form or raw, result.errors_by_field(lang),
                            action=action, idempotency_key=form.get("idempotency_key"))
        ctx.update(applicable=result.applicable.to_dict() if result.applicable else None, had_files=bool(attachments))
        return page(request, "form_case.html", lang=lang, status_code=422, **ctx)
    query = {"key": key, "lang": lang, "created": "1"} if key else {"lang": lang}
    return RedirectResponse(f"/forms/cases/{view['reference']}?{urlencode(query)}", status_code=303)


# ---- an existing case, applicant side ----------------------------------------------------------------

def _case_page(request: Request, settings, service, actor, reference: str, lang: str, *, notice: str | None = None,
               errors: dict | None = None, raw_form: dict | None = None, applicable=None, status_code: int = 200):
    from intake.validation import ATTACHMENT_KINDS

    case = service.get_case(actor, reference)
    key = actor.case_key
    key_q = f"&key={quote(key)}" if key else ""
    action = f"/forms/cases/{reference}?lang={lang}{key_q}"
    created = request.query_params.get("created") == "1"
    link = _link(settings, reference, key, lang) if created else None
    other_query = f"key={quote(key)}&" if key else ""
    if case["status"] == "draft" and "submit" in case["allowed_actions"]:
        ctx = _form_context(request, settings, lang, case["case_type"], raw_form or case["form"] or {}, errors,
                            action=action)
        ctx.update(reference=reference, status=case["status"], version=case["version"], access_link=link,
                   notice=notice or (page_text(lang, "saved") if created else None),
                   existing_attachments=case.get("attachments", []), applicable=applicable,
                   other_query=other_query)
        return page(request, "form_case.html", lang=lang, status_code=status_code, **ctx)
    history = service.history(actor, reference)
    return page(request, "case_status.html", lang=lang, status_code=status_code, case=case, history=history,
                action=action, key_q=key_q, access_link=link, other_query=other_query,
                notice=notice or (page_text(lang, "submitted_ok") if created else None),
                attachment_kinds=ATTACHMENT_KINDS, max_text=settings.intake_max_text_chars)


def page_text(lang: str, key: str) -> str:
    from intake.web.texts import UI

    return UI[lang][key]


@router.get("/forms/cases/{reference}")
def case_view(request: Request, reference: str, settings: SettingsDep, service: ServiceDep, principal: PrincipalDep,
              done: str = ""):
    lang = pick_lang(request)
    notice = page_text(lang, done) if done in ("saved", "submitted_ok", "done") else None
    return _case_page(request, settings, service, get_actor(request, principal), reference[:20], lang, notice=notice)


@router.post("/forms/cases/{reference}")
async def case_post(request: Request, reference: str, settings: SettingsDep, service: ServiceDep,
                    principal: PrincipalDep):
    from starlette.concurrency import run_in_threadpool

    reference = reference[:20]
    form = await request.form()
    lang = pick_lang(request, form.get("lang"))
    _check_csrf(request, form)
    actor = get_actor(request, principal)
    op = form.get("op") or "save"
    version = _int(form.get("version"))
    message = (form.get("message") or "").strip() or None
    try:
        if op in ("save", "submit", "check"):
            raw = _nested(list(form.multi_items()))
            for a in await _files(form):
                await run_in_threadpool(service.add_attachment, actor, reference, a.kind, a.filename, a.data)
                version = None  # re-read below: attachments do not change the version
            if op == "check":
                case = await run_in_threadpool(service.get_case, actor, reference)
                kinds = {a["kind"] for a in case.get("attachments", [])}
                result = service.validate(case["case_type"], raw, full=True, attachment_kinds=kinds, lang=lang)
                return _case_page(request, settings, service, actor, reference, lang,
                                  errors=result.errors_by_field(lang), raw_form=result.form or raw,
                                  applicable=result.applicable.to_dict() if result.applicable else None,
                                  status_code=200 if result.ok else 422)
            if version is None:
                version = (await run_in_threadpool(service.get_case, actor, reference))["version"]
            view = await run_in_threadpool(lambda: service.update_case(actor, reference, raw, version=version, lang=lang))
            if op == "submit":
                await run_in_threadpool(lambda: service.act(actor, reference, "submit", version=view["version"], lang=lang))
            notice = "submitted_ok" if op == "submit" else "saved"
        elif op == "answer":
            await run_in_threadpool(lambda: service.act(actor, reference, "provide_information", version=version,
                                                        message=message, lang=lang))
            notice = "done"
        elif op == "withdraw":
            await run_in_threadpool(lambda: service.act(actor, reference, "withdraw", version=version,
                                                        message=message, lang=lang))
            notice = "done"
        elif op == "message":
            await run_in_threadpool(lambda: service.add_note(actor, reference, message or "", internal=False))
            notice = "done"
        elif op == "upload":
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise Invalid("choose a file", code="file_required")
            data = await upload.read(settings.intake_attachment_max_bytes + 1)
            await run_in_threadpool(service.add_attachment, actor, reference, form.get("kind") or "supporting_document",
                                    upload.filename, data)
            notice = "done"
        else:
            raise Invalid("unknown operation", code="op_invalid")
    except ValidationFailed as exc:
        result = exc.result
        return _case_page(request, settings, service, actor, reference, lang, errors=result.errors_by_field(lang),
                          raw_form=result.form, status_code=422,
                          applicable=result.applicable.to_dict() if result.applicable else None)
    except (Conflict, Invalid) as exc:
        return _case_page(request, settings, service, actor, reference, lang, notice=_err_text(exc, lang),
                          status_code=exc.status_code)
    key_q = f"&key={quote(actor.case_key)}" if actor.case_key else ""
    return RedirectResponse(f"/forms/cases/{reference}?lang={lang}{key_q}&done={notice}", status_code=303)


def _err_text(exc: IntakeError, lang: str) -> str:
    messages = exc.extra.get("messages") if exc.extra else None
    if messages:
        return messages.get(lang) or exc.message
    return exc.message


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---- console -------------------------------------------------------------------------------------

def _staff_or_login(request: Request, principal, settings=None) -> Response | None:
    lang = pick_lang(request)
    if principal.is_anonymous:
        login = "/console/login"
        if has_route(request.app, login):
            return RedirectResponse(f"{login}?{urlencode({'next': str(request.url.path)})}", status_code=303)
        return render_error(request, 401, page_text(lang, "login_needed"))
    if principal.role not in ("officer", "supervisor", "admin"):
        if settings is not None:
            from api.web.chrome import refused_page

            return refused_page(request, settings, principal)
        return render_error(request, 403, f"role {principal.role!r} has no access to cases")
    return None


def _console_page(request: Request, settings, principal, template: str, **context):
    """A case-console page inside the console's frame (its menu, log-out and language link)."""
    from api.web.chrome import console_chrome

    return page(request, template, **context, **console_chrome(request, settings, principal))


def _staff_usernames(db_url: str) -> list[str]:
    from liaison.accounts import list_accounts

    return [p.username for p in list_accounts(db_url) if p.role in ("officer", "supervisor", "admin")]


@router.get("/console/cases")
def console_queue(request: Request, settings: SettingsDep, service: ServiceDep, principal: PrincipalDep,
                  status: str = "", case_type: str = "", assigned_to: str = "", team: str = "",
                  deadline_before: str = "", overdue: str = "", q: str = "", sort: str = "deadline",
                  page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1):
    from intake.workflow import OPEN_STATES, STATES

    refused = _staff_or_login(request, principal, settings)
    if refused:
        return refused
    lang = pick_lang(request)
    f = {"status": status[:30], "case_type": case_type[:20], "assigned_to": assigned_to[:120], "team": team[:60],
         "deadline_before": deadline_before[:10], "overdue": overdue == "1", "q": q[:100]}
    actor = get_actor(request, principal)
    inquiries = None
    inquiry_link = None
    result = {"items": [], "total": 0, "total_exact": True, "page": 1, "per_page": 50}
    if f["case_type"] == "inquiry":
        inquiries = _inquiries(service.db_url, f["status"], request.app.state.settings)
        if has_route(request.app, "/console/inquiries/{reference}"):
            inquiry_link = "/console/inquiries/"
    else:
        try:
            deadline = dt.date.fromisoformat(f["deadline_before"]) if f["deadline_before"] else None
        except ValueError:
            deadline = None
        result = service.list_cases(actor, status=[f["status"]] if f["status"] else None,
                                    case_type=f["case_type"] or None, assigned_to=f["assigned_to"] or None,
                                    team=f["team"] or None, deadline_before=deadline, overdue=f["overdue"],
                                    q=f["q"] or None, sort=sort if sort in ("deadline", "created", "updated") else "deadline",
                                    page=page_number, per_page=50)
    pages = max(1, math.ceil(result["total"] / result["per_page"]))

    def page_url(n: int) -> str:
        params = {k: ("1" if v is True else v) for k, v in f.items() if v}
        params.update(page=n, lang=lang)
        return "/console/cases?" + urlencode(params)

    return _console_page(request, settings, principal, "console_queue.html", lang=lang, f=f, result=result, pages=pages, page_url=page_url,
                statuses=STATES, teams=settings.intake_teams, officers=_staff_usernames(service.db_url),
                today=dt.date.today(), open_states=OPEN_STATES, inquiries=inquiries, inquiry_link=inquiry_link)


def _inquiries(db_url: str, status: str, settings) -> list:
    try:
        from assistant.inquiries import list_inquiries
    except ImportError:
        return []
    try:
        return list_inquiries(db_url, status if status in ("open", "answered", "closed") else None, limit=200,
                              settings=settings)
    except Exception:  # noqa: BLE001  (another module's table may not exist yet: show none)
        return []


def _form_rows(form: dict[str, Any] | None, lang: str) -> list[tuple[str, str]]:
    from intake.messages import LABELS, pick

    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}.{i}", v)
        elif value not in (None, ""):
            label = pick(LABELS[prefix], lang) if prefix in LABELS else prefix
            rows.append((label, str(value)))

    walk("", form or {})
    return rows


def _console_case(request: Request, settings, service, principal, reference: str, lang: str, *,
                  notice: str | None = None, error: str | None = None, status_code: int = 200):
    from intake.rules import RulesError, applicable
    from intake.validation import ATTACHMENT_KINDS

    actor = get_actor(request, principal)
    case = service.get_case(actor, reference)
    history = service.history(actor, reference)
    form = case.get("form") or {}
    person = form.get("person") or {}
    app = None
    if case.get("home_country") and case.get("work_country") and case.get("start_date") and case.get("end_date") \
            and case.get("person_status"):
        try:
            app = applicable(case["home_country"], case["work_country"], case["person_status"], case["start_date"],
                             case["end_date"], lang=lang).to_dict()
        except RulesError:
            app = None
    return _console_page(request, settings, principal, "console_case.html", lang=lang, status_code=status_code, case=case, history=history,
                person_name=" ".join(x for x in (person.get("first_name"), person.get("last_name")) if x),
                applicable=app, notice=notice, error=error, officers=_staff_usernames(service.db_url),
                teams=settings.intake_teams, attachment_kinds=ATTACHMENT_KINDS,
                max_text=settings.intake_max_text_chars, form_rows=_form_rows(form, lang),
                is_supervisor=principal.role in ("supervisor", "admin"))


@router.get("/console/cases/{reference}")
def console_case(request: Request, reference: str, settings: SettingsDep, service: ServiceDep, principal: PrincipalDep,
                 done: str = ""):
    refused = _staff_or_login(request, principal, settings)
    if refused:
        return refused
    lang = pick_lang(request)
    return _console_case(request, settings, service, principal, reference[:20], lang,
                         notice=page_text(lang, "done") if done else None)


@router.post("/console/cases/{reference}")
async def console_post(request: Request, reference: str, settings: SettingsDep, service: ServiceDep,
                       principal: PrincipalDep):
    from starlette.concurrency import run_in_threadpool

    refused = _staff_or_login(request, principal, settings)
    if refused:
        return refused
    reference = reference[:20]
    form = await request.form()
    lang = pick_lang(request)
    _check_csrf(request, form)
    actor = get_actor(request, principal)
    op = form.get("op") or ""
    version = _int(form.get("version"))
    message = (form.get("message") or "").strip() or None
    try:
        if op.startswith("action:"):
            action = op.split(":", 1)[1]

            def _date(name):
                value = (form.get(name) or "").strip()
                if not value:
                    return None
                try:
                    return dt.date.fromisoformat(value)
                except ValueError as exc:
                    raise Invalid(f"{name}: invalid date", code="date_invalid") from exc

            await run_in_threadpool(lambda: service.act(
                actor, reference, action, version=version, message=message, reason_code=form.get("reason_code") or None,
                decision=form.get("decision") or None, period_start=_date("period_start"), period_end=_date("period_end"),
                conditions=(form.get("conditions") or None), legal_basis=(form.get("legal_basis") or None),
                sed=(form.get("sed") or None), exchanged_on=_date("exchanged_on"), lang=lang))
        elif op == "assign":
            await run_in_threadpool(lambda: service.assign(actor, reference, version=version,
                                                           assigned_to=form.get("assigned_to") or None,
                                                           team=form.get("team") or ""))
        elif op in ("comment", "message"):
            await run_in_threadpool(lambda: service.add_note(actor, reference, message or "", internal=(op == "comment")))
        elif op == "upload":
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise Invalid("choose a file", code="file_required")
            data = await upload.read(settings.intake_attachment_max_bytes + 1)
            await run_in_threadpool(service.add_attachment, actor, reference, form.get("kind") or "supporting_document",
                                    upload.filename, data)
        else:
            raise Invalid("unknown operation", code="op_invalid")
    except ValidationFailed as exc:
        text = "; ".join(e.message(lang) for e in exc.result.errors)
        return _console_case(request, settings, service, principal, reference, lang, error=text, status_code=422)
    except (Conflict, Invalid, Forbidden) as exc:
        return _console_case(request, settings, service, principal, reference, lang, error=_err_text(exc, lang),
                             status_code=exc.status_code)
    return RedirectResponse(f"/console/cases/{reference}?lang={lang}&done=1", status_code=303)

