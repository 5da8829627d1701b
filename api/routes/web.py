"""Web front: GET /widget.js (+ /widget.css), GET /demo, GET /documents/view and the agents' console
(/console/...). Pages are server-rendered under a strict Content-Security-Policy; the console needs a
signed-in account for every route (anonymous callers are sent to /console/login)."""
from __future__ import annotations

import re
import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.deps import DbUrlDep, SettingsDep
from api.web import STATIC_DIR
from api.web import auth, backend, views
from api.web.i18n import COUNTRIES, COUNTRY_NAMES, INSTRUMENT_LABELS, LANGUAGE_NAMES, translator
from api.web.pages import SECURITY_HEADERS, pick_language, render
from liaison.accounts import Principal, principal_for_password, principal_for_token

router = APIRouter(tags=["web"], include_in_schema=False)

_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,80}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_login_throttle = auth.LoginThrottle(limit=10, window=60)


# ---------------------------------------------------------------------------------------- static

def _static(name: str) -> FileResponse:
    path = STATIC_DIR / name
    if not _STATIC_NAME.match(name) or path.suffix not in _STATIC_TYPES or not path.is_file():
        raise HTTPException(404, "no such file")
    return FileResponse(path, media_type=_STATIC_TYPES[path.suffix], headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
        # the widget is loaded by other sites' pages
        "Cross-Origin-Resource-Policy": "cross-origin",
    })


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return _static("widget.js")


@router.get("/widget.css")
def widget_css() -> FileResponse:
    return _static("widget.css")


@router.get("/static/web/{name}")
def static_file(name: str) -> FileResponse:
    return _static(name)


# ---------------------------------------------------------------------------------------- helpers

def _other_lang_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "fr" else "fr"
    return request.url.path + "?" + urlencode(params)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _page(request: Request, template: str, lang: str, status_code: int = 200, private: bool = False, **ctx) -> Response:
    ctx.setdefault("other_lang_url", _other_lang_url(request, lang))
    return render(request, template, ctx, lang=lang, status_code=status_code, private=private)


# ---------------------------------------------------------------------------------------- public pages

@router.get("/demo")
def demo(request: Request) -> Response:
    lang = pick_language(request)
    base = str(request.base_url).rstrip("/")
    from api.web.i18n import LANGUAGES

    # the widget's title in each language the site is written in (data-title-<code>), so that switching
    # the widget's language switches its title too
    titles = {code: translator(code)("widget_title") for code in LANGUAGES}
    return _page(request, "demo.html", lang, widget_src="/widget.js", api_base=base,
                 widget_title=titles[lang], widget_titles=titles)


async def _document_page(request: Request, settings, template: str, lang: str, *, path: str, ref: str,
                         highlight: str | None, as_of: str | None, authenticated: bool, version: int | None = None,
                         base: str = "/documents/view", **ctx) -> Response:
    t = translator(lang)
    private = authenticated
    if not path or not ref or (as_of and not _DATE.match(as_of)):
        return _page(request, template, lang, 400, private, doc=None, page_title=t("bad_request_h"),
                     error_title=t("bad_request_h"), error_text=t("bad_request_p"), **ctx)
    try:
        doc = await backend.document(settings, path=path, ref=ref, as_of=as_of, version=version)
    except backend.VersionNotHeld as exc:
        # The unit is held, its version of that day is not: say so, link the official text, and show
        # the versions the base knows (from the current one).
        current = await backend.document(settings, path=path, ref=ref)
        view = views.document_view(current, lang, None, base=base)
        return _page(request, template, lang, 404, private, doc=None, page_title=t("version_missing_h"),
                     error_title=t("version_missing_h"), error_text=t("version_missing_p"), error_url=exc.url,
                     versions_doc=view, **ctx)
    except backend.BackendError as exc:
        if exc.status in (404, 422, 400):
            return _page(request, template, lang, 404, private, doc=None, page_title=t("not_found_h"),
                         error_title=t("not_found_h"), error_text=t("not_found_p"), **ctx)
        return _page(request, template, lang, 503, private, doc=None, page_title=t("unavailable_h"),
                     error_title=t("unavailable_h"), error_text=t("unavailable_p"), **ctx)
    view = views.document_view(doc, lang, highlight, base=base)
    return _page(request, template, lang, 200, private, doc=view, page_title=view["heading"], **ctx)


@router.get("/documents/view")
async def document_viewer(
    request: Request, settings: SettingsDep,
    path: Annotated[str, Query(max_length=1000)] = "",
    ref: Annotated[str, Query(max_length=300)] = "",
    highlight: Annotated[str | None, Query(max_length=5000)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Public viewer of one article or fiche: hierarchy, dates, source, the cited passage highlighted."""
    lang = pick_language(request)
    return await _document_page(request, settings, "viewer.html", lang, path=path, ref=ref, highlight=highlight,
                                as_of=as_of, authenticated=False, version=version)


# ---------------------------------------------------------------------------------------- console auth

def console_user(request: Request, settings: SettingsDep, db_url: DbUrlDep) -> Principal:
    """The signed-in account; anonymous callers are redirected to the log-in page (303), so no console
    content or action is ever served to them."""
    principal = auth.principal_from_cookie(request, settings, db_url)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/console"
        raise HTTPException(303, "authentication required",
                            headers={"Location": "/console/login?" + urlencode({"next": target}),
                                     "Cache-Control": "no-store"})
    return principal


ConsoleUser = Annotated[Principal, Depends(console_user)]


def _console(request: Request, settings, user: Principal, template: str, status_code: int = 200, **ctx) -> Response:
    lang = pick_language(request)
    return _page(request, template, lang, status_code, private=True, user=user,
                 csrf=auth.csrf_token(settings, request), **ctx)


def _forbidden(request: Request, settings, user: Principal) -> Response:
    t = translator(pick_language(request))
    return _console(request, settings, user, "console/error.html", 403, error_title=t("forbidden_h"),
                    error_text=t("forbidden_p"))


def _check_post(request: Request, settings, user: Principal, csrf_token: str | None) -> Response | None:
    if auth.same_origin(request) and auth.csrf_ok(settings, request, csrf_token):
        return None
    t = translator(pick_language(request))
    return _console(request, settings, user, "console/error.html", 403, error_title=t("forbidden_h"),
                    error_text=t("csrf_failed"))


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/console") and not value.startswith("//") and "\\" not in value:
        return value
    return "/console"


_LOGIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _login_page(request: Request, lang: str, *, error: str | None = None, username: str = "",
                next_url: str = "/console", status_code: int = 200, token_open: bool = False) -> Response:
    # One login token per browser, not per page: a second login page (another tab, or the page a
    # log-out redirects to while the browser already loads another one) must not invalidate the form
    # already shown, which would refuse a correct log-in.
    token = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or ""
    if not _LOGIN_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(24)
    response = _page(request, "console/login.html", lang, status_code, private=True, user=None, error=error,
                     username=username, next_url=_safe_next(next_url), login_csrf=token, token_open=token_open)
    response.set_cookie(auth.LOGIN_CSRF_COOKIE, token, max_age=3600, path="/console/login", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get("/console/login")
def login_form(request: Request, settings: SettingsDep, db_url: DbUrlDep, next: str | None = None) -> Response:
    if auth.principal_from_cookie(request, settings, db_url) is not None:
        return RedirectResponse(_safe_next(next), 303)
    return _login_page(request, pick_language(request), next_url=next or "/console")


@router.post("/console/login")
def login(
    request: Request, settings: SettingsDep, db_url: DbUrlDep,
    username: Annotated[str, Form(max_length=120)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    token: Annotated[str, Form(max_length=400)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/console",
) -> Response:
    lang = pick_language(request)
    t = translator(lang)
    username, token = username.strip(), token.strip()
    if not auth.same_origin(request) or not auth.login_csrf_ok(request, csrf_token):
        return _login_page(request, lang, error=t("csrf_failed"), username=username, next_url=next, status_code=403)
    throttle_key = f"{_client_ip(request)}|{username.lower()}"
    if _login_throttle.blocked(throttle_key):
        return _login_page(request, lang, error=t("login_throttled"), username=username, next_url=next, status_code=429)
    if token:
        principal = principal_for_token(db_url, token)
        if principal is None or (username and principal.username != username):
            _login_throttle.failed(throttle_key)
            return _login_page(request, lang, error=t("login_token_failed"), username=username, next_url=next,
                               status_code=401, token_open=True)
        cookie_value, max_age = token, None
    else:
        principal = principal_for_password(db_url, username, password) if username and password else None
        if principal is None:
            _login_throttle.failed(throttle_key)
            return _login_page(request, lang, error=t("login_failed"), username=username, next_url=next,
                               status_code=401)
        cookie_value, max_age = auth.issue_session(settings, db_url, principal), auth.SESSION_SECONDS
    from liaison import audit

    audit.record(db_url, actor=principal.username, role=principal.role, action="console.login",
                 object_type="account", object_id=principal.id, source_ip=_client_ip(request),
                 detail={"method": "token" if token else "password"})
    response = RedirectResponse(_safe_next(next), 303)
    response.set_cookie(auth.SESSION_COOKIE, cookie_value, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/console/login")
    return response


@router.post("/console/logout")
def logout(request: Request, settings: SettingsDep, user: ConsoleUser,
           csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    refused = _check_post(request, settings, user, csrf_token)
    if refused:
        return refused
    response = RedirectResponse("/console/login", 303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    response.headers.update(SECURITY_HEADERS)
    return response


@router.get("/console")
def console_home(user: ConsoleUser) -> Response:
    return RedirectResponse("/console/search" if user.role in auth.CONSOLE_ROLES else "/console/cases", 303)


# ---------------------------------------------------------------------------------------- legal search

@router.get("/console/search")
async def console_search(
    request: Request, settings: SettingsDep, user: ConsoleUser,
    q: Annotated[str, Query(max_length=1000)] = "",
    instrument_type: Annotated[str, Query(max_length=40)] = "",
    country: Annotated[str, Query(max_length=8)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    lang = pick_language(request)
    t = translator(lang)
    form = {"q": q.strip(), "instrument_type": instrument_type, "country": country.upper(), "language": language,
            "as_of": as_of, "k": k}
    field_errors: dict[str, str] = {}
    if as_of and not _DATE.match(as_of):
        field_errors["as_of"] = "AAAA-MM-JJ" if lang == "fr" else "YYYY-MM-DD"
    results, error, gaps = None, None, []
    if form["q"] and not field_errors:
        filters = {key: form[key] for key in ("instrument_type", "country", "language") if form[key]}
        try:
            found, missing = await backend.search_with_gaps(settings, query=form["q"], k=k, filters=filters,
                                                            as_of=as_of or None)
            results = [views.result_view(r, lang, as_of or None, query=form["q"]) for r in found]
            gaps = [views.gap_view(g, lang) for g in missing]
        except backend.BackendError as exc:
            error = t("search_error", detail=exc.detail)
    return _console(
        request, settings, user, "console/search.html", 200 if not error else 502, section="search", form=form,
        results=results, gaps=gaps, error=error, field_errors=field_errors,
        instrument_options=sorted(INSTRUMENT_LABELS[lang].items(), key=lambda kv: kv[1]),
        country_options=sorted(((c, COUNTRY_NAMES[lang][c]) for c in COUNTRIES), key=lambda kv: kv[1]),
        language_options=[(code, name) for code, name in LANGUAGE_NAMES[lang].items()],
    )


@router.get("/console/documents")
async def console_document(
    request: Request, settings: SettingsDep, user: ConsoleUser,
    path: Annotated[str, Query(max_length=1000)] = "",
    ref: Annotated[str, Query(max_length=300)] = "",
    highlight: Annotated[str | None, Query(max_length=5000)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    lang = pick_language(request)

    def cite_link(cite: str) -> str:
        return "/console/search?" + urlencode({"q": cite, "lang": lang})

    return await _document_page(request, settings, "console/document.html", lang, path=path, ref=ref,
                                highlight=highlight, as_of=as_of, authenticated=True, user=user,
                                section="search", csrf=auth.csrf_token(settings, request), cite_link=cite_link,
                                version_form={"path": path, "ref": ref, "as_of": as_of or ""}, version=version,
                                base="/console/documents", diff_form=True)


@router.get("/console/documents/diff")
async def console_document_diff(
    request: Request, settings: SettingsDep, user: ConsoleUser,
    path: Annotated[str, Query(max_length=1000)] = "",
    ref: Annotated[str, Query(max_length=300)] = "",
    old: Annotated[int, Query(ge=1)] = 0,
    new: Annotated[int, Query(ge=1)] = 0,
) -> Response:
    """What changed between two stored versions of an article (word by word)."""
    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    lang = pick_language(request)
    t = translator(lang)
    try:
        before, after, ops = await backend.diff(settings, path=path, ref=ref, old=old, new=new)
    except backend.BackendError as exc:
        return _console(request, settings, user, "console/document.html", 404 if exc.status == 404 else 503,
                        section="search", doc=None, page_title=t("not_found_h"), error_title=t("not_found_h"),
                        error_text=t("not_found_p"))
    back = views.document_url("/console/documents", path, ref, lang)
    return _console(request, settings, user, "console/diff.html", 200, section="search", page_title=t("diff_h"),
                    heading=f"{before.title or ref}", back_url=back,
                    old_validity=views.validity({"valid_from": before.valid_from, "valid_to": before.valid_to}, lang),
                    new_validity=views.validity({"valid_from": after.valid_from, "valid_to": after.valid_to}, lang),
                    ops=ops, changed=any(op != "=" for op, _ in ops))


# ---------------------------------------------------------------------------------------- inquiries

def _inquiry_page(request: Request, settings, db_url: str, user: Principal, reference: str, *, reveal: bool = False,
                  done: str | None = None, error: str | None = None, status_code: int = 200) -> Response:
    from assistant import inquiries

    lang = pick_language(request)
    t = translator(lang)
    try:
        inquiry = inquiries.get_inquiry(db_url, reference, reveal=reveal, actor=user, source_ip=_client_ip(request),
                                         settings=settings)
    except inquiries.InquiryNotFound:
        return _console(request, settings, user, "console/error.html", 404, section="inquiries",
                        error_title=t("not_found_h"), error_text=reference)
    return _console(request, settings, user, "console/inquiry.html", status_code, section="inquiries",
                    inquiry=views.inquiry_view(inquiry, lang), revealed=inquiry.revealed, done=done, error=error,
                    can_act=user.role in auth.INQUIRY_ACT_ROLES)


@router.get("/console/inquiries")
def console_inquiries(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                      status: Annotated[str, Query(max_length=20)] = "open") -> Response:
    from assistant import inquiries

    if user.role not in auth.INQUIRY_ROLES:
        return _forbidden(request, settings, user)
    lang = pick_language(request)
    t = translator(lang)
    options = [("open", t("status_open")), ("answered", t("status_answered")), ("closed", t("status_closed")),
               ("all", t("status_all"))]
    if status not in {value for value, _ in options}:
        status = "open"
    error, rows = None, []
    try:
        found = inquiries.list_inquiries(db_url, None if status == "all" else status, settings=settings)
        rows = [views.inquiry_view(i, lang) for i in found]
    except Exception as exc:  # the queue page must say what is wrong rather than fail blank
        error = t("inquiries_unavailable", detail=type(exc).__name__)
    return _console(request, settings, user, "console/inquiries.html", 200 if not error else 503,
                    section="inquiries", inquiries=rows, status=status, status_options=options, error=error)


@router.get("/console/inquiries/{reference}")
def console_inquiry(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                    reference: str, done: str | None = None) -> Response:
    if user.role not in auth.INQUIRY_ROLES:
        return _forbidden(request, settings, user)
    t = translator(pick_language(request))
    message = {"answered": t("done_answered"), "closed": t("done_closed")}.get(done or "")
    return _inquiry_page(request, settings, db_url, user, reference, done=message)


@router.post("/console/inquiries/{reference}/reveal")
def console_inquiry_reveal(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                           reference: str, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Shows the personal data of one inquiry; the access is written to the audit log."""
    if user.role not in auth.INQUIRY_ACT_ROLES:
        return _forbidden(request, settings, user)
    return _check_post(request, settings, user, csrf_token) or _inquiry_page(
        request, settings, db_url, user, reference, reveal=True)


def _inquiry_action(request: Request, settings, db_url: str, user: Principal, reference: str, csrf_token: str,
                    action: str, text: str) -> Response:
    from assistant import inquiries

    if user.role not in auth.INQUIRY_ACT_ROLES:
        return _forbidden(request, settings, user)
    refused = _check_post(request, settings, user, csrf_token)
    if refused:
        return refused
    t = translator(pick_language(request))
    try:
        if action == "answer":
            inquiries.answer_inquiry(db_url, reference, text, user, source_ip=_client_ip(request), settings=settings)
        else:
            inquiries.close_inquiry(db_url, reference, text, user, source_ip=_client_ip(request), settings=settings)
    except inquiries.InquiryNotFound:
        return _console(request, settings, user, "console/error.html", 404, section="inquiries",
                        error_title=t("not_found_h"), error_text=reference)
    except ValueError as exc:  # empty text, or a closed inquiry (InquiryStateError)
        status_code = 409 if isinstance(exc, inquiries.InquiryStateError) else 400
        return _inquiry_page(request, settings, db_url, user, reference, error=str(exc), status_code=status_code)
    done = "answered" if action == "answer" else "closed"
    return RedirectResponse(f"/console/inquiries/{reference}?" + urlencode({"done": done}), 303)


@router.post("/console/inquiries/{reference}/answer")
def console_inquiry_answer(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                           reference: str, message: Annotated[str, Form(max_length=20_000)] = "",
                           csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    return _inquiry_action(request, settings, db_url, user, reference, csrf_token, "answer", message)


@router.post("/console/inquiries/{reference}/close")
def console_inquiry_close(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                          reference: str, reason: Annotated[str, Form(max_length=2000)] = "",
                          csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    return _inquiry_action(request, settings, db_url, user, reference, csrf_token, "close", reason)
