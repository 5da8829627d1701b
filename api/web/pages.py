"""Rendering of server-side pages: templates, UI language, and the security headers every page gets.

Pages run under a strict Content-Security-Policy (no inline script or style, no eval): all behaviour
comes from files under /static/web and /widget.js, so an injected string can never execute.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web import TEMPLATES_DIR
from api.web.i18n import LANGUAGES, translator

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
LANG_COOKIE = "liaison_lang"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@lru_cache(maxsize=1)
def _templates():
    from fastapi.templating import Jinja2Templates

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.filters["yyyymmdd"] = format_yyyymmdd
    from api.web.auth import CASE_ROLES

    templates.env.globals["case_roles"] = CASE_ROLES
    from eessi.links import eessi_links_filter  # EESSI codes in shown texts link to their pages

    templates.env.filters["eessi_links"] = eessi_links_filter()
    return templates


def pick_language(request: Request) -> str:
    """UI language: explicit ?lang= (remembered in a cookie), else the browser's preference among ours,
    else French."""
    asked = (request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "").lower()[:2]
    if asked in LANGUAGES:
        return asked
    best, best_q = "fr", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        if code not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = code, q
    return best


def render(request: Request, template: str, context: dict[str, Any], *, lang: str,
           status_code: int = 200, private: bool = False) -> HTMLResponse:
    """Render a page with the security headers; `private` pages (console) are never cached."""
    ctx = {"lang": lang, "t": translator(lang), "languages": LANGUAGES, **context}
    response = _templates().TemplateResponse(request, template, ctx, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    if request.query_params.get("lang") in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/", samesite="lax",
                            secure=request.url.scheme == "https")
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def format_yyyymmdd(value: Any, lang: str = "fr") -> str:
    """20150403 -> '3 avril 2015' / '3 April 2015'; '' for unknown (0) or open-ended (99991231)."""
    from api.web.i18n import MONTHS

    text = str(value or "").replace("-", "")[:8]
    if len(text) != 8 or not text.isdigit() or text in ("00000000", "99991231"):
        return ""
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1 <= month <= 12:
        return ""
    months = MONTHS.get(lang, MONTHS["fr"])
    return f"{day} {months[month - 1]} {year}" if day else f"{months[month - 1]} {year}"
