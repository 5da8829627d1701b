"""Every EESSI code in a text shown by the console or the viewer becomes a link to its page.

`link_codes(text, catalogue, base)` escapes the text and wraps each catalogue code (BUC, SED, portable
document, old E-form) in <a href="{base}/...">; `eessi_links` is the Jinja filter the templates call
(console pages link to /console/eessi/..., the public viewer to /eessi/...). Codes the catalogue does not
hold stay plain text, and a missing catalogue file leaves the text unchanged (escaped)."""
from __future__ import annotations

import logging
from urllib.parse import quote

from markupsafe import Markup, escape

from eessi.catalogue import Catalogue
from eessi.codes import BUC, SED, find_codes

log = logging.getLogger("liaison.eessi")
CONSOLE_BASE, PUBLIC_BASE = "/console/eessi", "/eessi"


def page_path(kind: str, code: str, base: str = CONSOLE_BASE) -> str:
    folder = "bucs" if kind == BUC else "seds" if kind == SED else "forms"
    return f"{base}/{folder}/{quote(code, safe='')}"


def link_codes(text: str, catalogue: Catalogue, base: str = CONSOLE_BASE) -> Markup:
    text = "" if text is None else str(text)
    out: list[str] = []
    position = 0
    for found in find_codes(catalogue, text):
        out.append(str(escape(text[position:found.start])))
        out.append(f'<a class="eessi-code" href="{escape(page_path(found.kind, found.code, base))}">'
                   f"{escape(found.text)}</a>")
        position = found.end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def _catalogue_from_context(context) -> Catalogue | None:
    from eessi.service import catalogue_for

    request = context.get("request")
    settings = getattr(getattr(getattr(request, "app", None), "state", None), "settings", None)
    if settings is None:
        return None
    try:
        return catalogue_for(settings.eessi_catalogue_path)
    except (OSError, ValueError) as exc:  # no catalogue: texts are shown as they are
        log.warning("EESSI links off: %s", exc)
        return None


def eessi_links_filter():
    """The Jinja filter (context-aware: console pages link inside the console, public pages publicly)."""
    from jinja2 import pass_context

    @pass_context
    def eessi_links(context, text):
        catalogue = _catalogue_from_context(context)
        if catalogue is None:
            return escape("" if text is None else text)
        base = CONSOLE_BASE if context.get("user") else PUBLIC_BASE
        return link_codes(text, catalogue, base)

    return eessi_links
