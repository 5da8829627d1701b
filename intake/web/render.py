"""Server-rendered pages of the intake forms and the case console: Jinja2 (autoescaped), a CSRF
double-submit token, French/English texts."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from intake.messages import (
    ATTACHMENT_KIND_LABELS,
    CASE_TYPE_LABELS,
    INFO_REASON_LABELS,
    LABELS,
    PERSON_STATUS_LABELS,
    STATUS_LABELS,
    pick,
)
from intake.web.texts import UI

WEB = Path(__file__).resolve().parent
CSRF_COOKIE = "liaison_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",  # case links carry their secret key in the query string
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from jinja2 import ChoiceLoader

    from api.web.chrome import CONSOLE_TEMPLATES

    # the console's templates come second: case pages include its bar (console/_header.html)
    loader = ChoiceLoader([FileSystemLoader(str(WEB / "templates")), FileSystemLoader(str(CONSOLE_TEMPLATES))])
    e = Environment(loader=loader, autoescape=select_autoescape(["html"]),
                    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    e.globals.update(pick=pick, STATUS_LABELS=STATUS_LABELS, CASE_TYPE_LABELS=CASE_TYPE_LABELS,
                     PERSON_STATUS_LABELS=PERSON_STATUS_LABELS, ATTACHMENT_KIND_LABELS=ATTACHMENT_KIND_LABELS,
                     INFO_REASON_LABELS=INFO_REASON_LABELS, LABELS=LABELS)
    e.filters["d"] = _fmt_date
    from eessi.links import eessi_links_filter  # SED/BUC codes link to their console pages

    e.filters["eessi_links"] = eessi_links_filter()
    return e


def _fmt_date(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csrf_token(request: Request) -> str:
    """With a console session: the console's token, bound to that session (api.web.auth), so every
    console form (inquiries and /console/cases alike) uses one mechanism. Without a session (public
    forms): a double-submit cookie."""
    from api.web import auth

    if auth.session_value(request):
        return auth.csrf_token(request.app.state.settings, request)
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) != 43:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def csrf_ok(request: Request, submitted: str | None) -> bool:
    from api.web import auth

    if not auth.same_origin(request):  # Origin/Referer of another site: refused whatever the token
        return False
    if auth.session_value(request):
        return auth.csrf_ok(request.app.state.settings, request, submitted)
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted and hmac.compare_digest(cookie, submitted))


def page(request: Request, template: str, *, lang: str, status_code: int = 200, **context) -> HTMLResponse:
    token = csrf_token(request)
    html = env().get_template(template).render(request=request, lang=lang, T=UI[lang], csrf=token,
                                               path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if getattr(request.state, "new_csrf", None):
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
    return response


def render_error(request: Request, status_code: int, message: str, headers: dict | None = None) -> HTMLResponse:
    from intake.http import pick_lang

    lang = pick_lang(request)
    response = page(request, "error.html", lang=lang, status_code=status_code, message=message, code=status_code)
    if headers:
        response.headers.update(headers)
    return response
