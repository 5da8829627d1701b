"""The OpenAI error shape stays local to the routes that use OpenAIErrorRoute (in-process app)."""
import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.openai_errors import OpenAIError, OpenAIErrorRoute

pytestmark = pytest.mark.unit


def limited():
    raise HTTPException(429, "too many requests; try again in a minute", headers={"Retry-After": "60"})


class Body(BaseModel):
    n: int


def build() -> TestClient:
    openai_router = APIRouter(route_class=OpenAIErrorRoute)

    @openai_router.get("/v1/limited", dependencies=[Depends(limited)])
    def limited_route():
        return {}

    @openai_router.post("/v1/body")
    def body_route(body: Body):
        if body.n == 0:
            raise OpenAIError(404, "no such model", code="model_not_found", param="model")
        if body.n == 1:
            raise HTTPException(422, "semantic problem")
        raise RuntimeError("boom")

    other = APIRouter()

    @other.post("/v1/other")
    def other_route(body: Body):
        return {}

    app = FastAPI()
    app.include_router(openai_router)
    app.include_router(other)
    return TestClient(app, raise_server_exceptions=False)


def test_errors_are_openai_shaped_on_these_routes_only():
    client = build()
    r = client.get("/v1/limited")
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert r.json() == {"error": {"message": "too many requests; try again in a minute", "type": "rate_limit_error",
                                  "param": None, "code": "rate_limit_exceeded"}}
    assert client.post("/v1/body", json={"n": 0}).json()["error"]["code"] == "model_not_found"
    r = client.post("/v1/body", json={"n": 1})
    assert r.status_code == 400 and r.json()["error"]["message"] == "semantic problem"
    r = client.post("/v1/body", json={"n": "x"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "n"
    r = client.post("/v1/body", json={"n": 2})
    assert r.status_code == 500 and r.json()["error"]["type"] == "server_error"
    # a route of another router keeps FastAPI's own shape
    r = client.post("/v1/other", json={"n": "x"})
    assert r.status_code == 422 and "detail" in r.json()
