"""GET /health: liveness plus what the instance serves."""
from fastapi import APIRouter

from api.deps import SettingsDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and configuration summary")
def health(settings: SettingsDep) -> dict:
    return {
        "status": "ok",
        "version": "0.1.0",
        "index": "chroma-server" if settings.chroma_url else "chroma-embedded",
        "database": settings.resolved_database_url.split(":", 1)[0],
    }
