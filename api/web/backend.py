"""How the server-rendered pages reach the knowledge base: through the public JSON API, called in
process (no network hop). The pages thus show exactly what /v1/search and /v1/documents return to any
client, with the same validation, filters and access rules, and keep working if the service code
behind those routes changes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request

from api.web.auth import SESSION_PREFIX, session_value


@dataclass
class BackendError(Exception):
    status: int
    detail: str

    def __str__(self) -> str:
        return self.detail


def _detail(payload: Any, status: int) -> str:
    detail = payload.get("detail") if isinstance(payload, dict) else None
    if isinstance(detail, list):  # validation errors: "field: message"
        return "; ".join(f"{'.'.join(str(p) for p in d.get('loc', [])[1:])}: {d.get('msg', '')}" for d in detail[:5])
    return str(detail or f"HTTP {status}")


async def _call(request: Request, method: str, url: str, *, json: dict | None = None,
                params: dict | None = None, authenticated: bool = False) -> Any:
    import httpx

    headers = {"Accept": "application/json"}
    token = session_value(request) if authenticated else None
    if token and not token.startswith(SESSION_PREFIX):
        headers["Authorization"] = f"Bearer {token}"
    client_ip = request.client.host if request.client else "127.0.0.1"
    transport = httpx.ASGITransport(app=request.app, client=(client_ip, 0))
    async with httpx.AsyncClient(transport=transport, base_url="http://liaison.internal", timeout=60) as client:
        response = await client.request(method, url, json=json, params=params, headers=headers)
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.status_code >= 400:
        raise BackendError(response.status_code, _detail(payload, response.status_code))
    return payload


async def search(request: Request, *, query: str, k: int, filters: dict, as_of: str | None) -> list[dict]:
    body: dict[str, Any] = {"query": query, "k": k, "filters": filters or None}
    if as_of:
        body["as_of"] = as_of
    payload = await _call(request, "POST", "/v1/search", json=body, authenticated=True)
    return list(payload.get("results", [])) if isinstance(payload, dict) else []


async def document(request: Request, *, path: str, ref: str, as_of: str | None = None,
                   authenticated: bool = False) -> dict:
    params = {"ref": ref}
    if as_of:
        params["as_of"] = as_of
    return await _call(request, "GET", "/v1/documents/" + quote(path, safe="/"), params=params,
                       authenticated=authenticated)
