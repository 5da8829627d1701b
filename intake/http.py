"""HTTP plumbing shared by the intake API and pages: body-size limit, error mapping (JSON for the API,
HTML for pages), language choice, the caller as an `Actor`, the service per app."""
from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, OperationalError

from api.deps import DbUrlDep, PrincipalDep, SettingsDep
from intake.errors import IntakeError, TooLarge, Unavailable

log = logging.getLogger("liaison.intake")


def pick_lang(request: Request, explicit: str | None = None) -> str:
    if explicit in ("fr", "en"):
        return explicit
    q = request.query_params.get("lang")
    if q in ("fr", "en"):
        return q
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("fr", "en"):
            return tag
    return "en"


def _is_page(request: Request) -> bool:
    return request.url.path.startswith(("/forms", "/console"))


def error_response(request: Request, exc: IntakeError):
    headers = {"Retry-After": "5"} if exc.status_code == 503 else None
    if _is_page(request):
        from intake.web.render import render_error

        return render_error(request, exc.status_code, exc.message, headers=headers)
    return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)


class IntakeRoute(APIRoute):
    """Refuses bodies over `intake_max_body_bytes` before parsing them; maps service errors and a lost
    database to clear answers (nothing half-saved: the service works in one transaction)."""

    def get_route_handler(self):
        original = super().get_route_handler()

        async def handler(request: Request):
            limit = request.app.state.settings.intake_max_body_bytes
            length = request.headers.get("content-length")
            too_large = TooLarge(f"request body too large: at most {limit} bytes", code="body_too_large")
            if length and length.isdigit() and int(length) > limit:
                return error_response(request, too_large)
            if request.method in ("POST", "PUT", "PATCH") and not length:
                body = bytearray()
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > limit:
                        return error_response(request, too_large)
                request._body = bytes(body)
            try:
                return await original(request)
            except IntakeError as exc:
                return error_response(request, exc)
            except OperationalError:
                log.warning("database unavailable during %s %s", request.method, request.url.path)
                return error_response(request, Unavailable("the database is unavailable; nothing was saved, please retry"))
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    return error_response(request, Unavailable("the database connection was lost; nothing was saved, please retry"))
                raise

        return handler


def get_service(request: Request, settings: SettingsDep, db_url: DbUrlDep):
    from intake.service import IntakeService

    cache = getattr(request.app.state, "intake_services", None)
    if cache is None:
        cache = request.app.state.intake_services = {}
    svc = cache.get(db_url)
    if svc is None:
        svc = cache[db_url] = IntakeService(settings, db_url)
    return svc


def get_actor(request: Request, principal: PrincipalDep):
    from intake.service import Actor

    key = request.headers.get("x-case-key") or request.query_params.get("key")
    if key is not None and len(key) > 200:
        key = None
    return Actor(principal, ip=request.client.host if request.client else "", case_key=key)


ServiceDep = Annotated[object, Depends(get_service)]
ActorDep = Annotated[object, Depends(get_actor)]


def iter_routes(app):
    """(path, methods) of every route, including those of included routers (FastAPI resolves
    included routers lazily, so `app.routes` alone does not list them)."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for ctx in contexts():
                yield ctx.path, set(ctx.methods or ())
        else:
            yield getattr(route, "path", ""), set(getattr(route, "methods", None) or ())


def has_route(app, path: str) -> bool:
    return any(p == path for p, _ in iter_routes(app))
