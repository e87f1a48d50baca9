"""Reading a JSON request body with limits: size (413), content type (415) and shape (422).

Python's JSON parser recurses once per nesting level, so a small body nested 100,000 levels deep
raises RecursionError; that is a malformed request, not a server error.
"""

import json
from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel

MAX_BODY = 1024 * 1024  # bytes: every request body (the guard) and every JSON body read here; nginx's too


def too_large(limit: int = MAX_BODY) -> str:
    """What a 413 says."""
    return f"the body is larger than {limit // 1024} KiB"


BODY_PROBLEMS: dict[int | str, dict[str, Any]] = {  # what read_json answers, for the API description
    413: {"description": f"the body is larger than {MAX_BODY // 1024 // 1024} MiB"},
    415: {"description": "the body is not sent as JSON"},
    422: {"description": "the body is not JSON, too deeply nested, or not a payload of this kind"},
}


async def read_json(request: Request, *, limit: int = MAX_BODY) -> Any:
    """The body parsed as JSON, or an HTTPException that says what is wrong with it."""
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise HTTPException(415, f"send JSON (Content-Type: application/json), not {kind or 'nothing'}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    try:
        return json.loads(body)
    except RecursionError:
        raise HTTPException(422, "the body is nested too deeply to be a webhook payload") from None
    except ValueError:
        raise HTTPException(422, "the body is not JSON") from None


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, too_large(limit))


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` written in place, for an OpenAPI document (where
    ``#/$defs/...`` would not resolve)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)
