"""FastAPI application: thin routers over the capabilities. `create_app(settings)` is the factory
used by `liaison serve`, by uvicorn workers (`api.app:app_from_env`) and by tests."""
from __future__ import annotations

import importlib
import logging

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.errors import install as install_error_handling
from api.validation import JsonBodyGuard
from liaison.settings import Settings, get_settings

log = logging.getLogger("liaison.api")

# Router modules, each exposing `router` (an APIRouter). Order matters only for docs.
ROUTER_MODULES = (
    "api.routes.health",
    "api.routes.knowledge",    # /v1/search, /v1/documents
    "api.routes.assistant",    # /v1/ask, /v1/feedback, /v1/inquiries
    "api.routes.openai_compat",  # OpenAI-compatible /v1/models, /v1/embeddings, /v1/chat/completions
    "api.routes.web",          # /widget.js, /demo, /console
    "api.routes.translation",  # LibreTranslate-compatible /translate ... and /v1/translation/...
    "api.routes.translation_certify",  # /v1/translation/certifications, /v1/translation/certificates/{ref}
    "api.routes.intake",       # /v1/applicable, /v1/cases ...
    "api.routes.reports",      # /v1/stats ..., /v1/reports ...
    "api.routes.eessi",        # /v1/eessi/..., /console/eessi/..., /eessi/...
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = (settings or get_settings()).ensure_dirs()
    app = FastAPI(
        title="Liaison API",
        version="0.1.0",
        description="Grounded answers, legal lookup, request intake, statistics and translation for a "
        "social-security liaison centre. Every answer cites the article and document it comes from.",
    )
    app.state.settings = settings
    from api.observability import ObservabilityMiddleware, configure_logging

    configure_logging(settings.log_level, settings.log_format)
    # One validation layer and one error shape (api/validation.py, api/errors.py); added before CORS so
    # that its refusals carry the CORS headers too.
    app.add_middleware(JsonBodyGuard, settings=settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Session-Id"],
    )

    install_error_handling(app)

    for name in ROUTER_MODULES:
        module = importlib.import_module(name)
        app.include_router(module.router)
    # Outermost: request ids and metrics cover every response, errors and CORS refusals included.
    app.add_middleware(ObservabilityMiddleware)
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory api.app:app_from_env` (each worker reads LIAISON_* env). The
    worker warms the assistant before it accepts requests, so no user waits for model loading."""
    from liaison.db import migrate

    app = create_app()
    app.state.db_url = app.state.settings.resolved_database_url
    migrate(app.state.db_url)  # idempotent; done here so no request waits for it
    if app.state.settings.warm_up:
        from assistant.service import AssistantService

        service = app.state.assistant_service = AssistantService(app.state.settings, db_url=app.state.db_url)
        service.warm_up()
    return app
