"""The console's frame for pages rendered elsewhere (the case queue of intake.web): the same bar (menu
shown by role, signed-in user, log-out, language) and the same refusal page, in the user's language."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web import TEMPLATES_DIR, auth
from api.web.i18n import translator
from api.web.pages import pick_language, render


def console_chrome(request: Request, settings, user, section: str = "cases") -> dict[str, Any]:
    """Context the bar (console/_header.html) needs, for a template of another Jinja environment."""
    lang = pick_language(request)
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "fr" else "fr"
    return {"t": translator(lang), "user": user, "console_csrf": auth.csrf_token(settings, request),
            "other_lang_url": request.url.path + "?" + urlencode(params), "section": section,
            "case_roles": auth.CASE_ROLES}


def refused_page(request: Request, settings, user) -> HTMLResponse:
    """403 as a console page (menu, log-out) in the user's language, never a bare English message."""
    lang = pick_language(request)
    t = translator(lang)
    context = {**console_chrome(request, settings, user, section=""), "csrf": auth.csrf_token(settings, request),
               "error_title": t("forbidden_h"), "error_text": t("forbidden_p")}
    context.pop("t")
    return render(request, "console/error.html", context, lang=lang, status_code=403, private=True)


CONSOLE_TEMPLATES = TEMPLATES_DIR
