"""``/openapi.json``: the programs' API (live, actions, webhooks, health, metrics), with who may call what.

The security of each operation is written from the same access policy the request guard enforces:
open routes need nothing, the others a bearer token (or, for ``/sse/stats`` in a browser on another
origin, ``?access_token=``). Console pages are not part of it.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from .policy import AccessPolicy, Need, requires

DESCRIPTION = (
    "Live stats, notification and log events (Server-Sent Events), actions as jobs, Sonarr's webhook, "
    "health and Prometheus metrics. Send `Authorization: Bearer <token>`; make tokens on the console's "
    "Access tokens page or with `python main.py tokens add NAME --scope read`. A `read` token may read; "
    "an `admin` token may also start actions and retry notifications."
)
SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an Airdate API token"},
    "access_token": {
        "type": "apiKey",
        "in": "query",
        "name": "access_token",
        "description": "the same token, for EventSource in browsers (which cannot send headers)",
    },
}


def describe_api(app: FastAPI, policy: AccessPolicy) -> None:
    cached: dict[str, Any] = {}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[requires(Need.VIEWER, tokens=True)])
    async def openapi() -> JSONResponse:
        if not cached:
            cached.update(schema(app, policy))
        return JSONResponse(cached)


def schema(app: FastAPI, policy: AccessPolicy) -> dict[str, Any]:
    document = get_openapi(title="Airdate", version="1", description=DESCRIPTION, routes=app.routes)
    document.setdefault("components", {})["securitySchemes"] = SCHEMES
    for path, operations in document.get("paths", {}).items():
        rule = policy.rule_for(path)
        for operation in operations.values():
            operation["x-airdate-access"] = rule.describe()
            if "requestBody" in operation:  # FastAPI's own answer to a body it cannot read
                operation["responses"].setdefault("400", {"description": "the body could not be read"})
            if rule.need in (Need.OPEN, Need.SIGNED):  # a signed link is its own credential
                operation["security"] = []
                continue
            operation["security"] = [{"bearer": []}]
            if path == "/sse/stats":
                operation["security"].append({"access_token": []})
                operation["responses"]["200"]["content"] = {
                    "text/event-stream": {"schema": {"type": "string"}}
                }
            operation["responses"].setdefault("401", {"description": "no or unknown credentials"})
            operation["responses"].setdefault(
                "403", {"description": "credentials without the scope it needs"}
            )
    return document
