"""Reading a JSON request body with limits: size (413), content type (415) and shape (422).

Python's JSON parser recurses once per nesting level, so a small body nested 100,000 levels deep
raises RecursionError; that is a malformed request, not a server error.
"""

import json
from typing import Any

from fastapi import HTTPException, Request

MAX_BODY_BYTES = 1024 * 1024


async def read_json(request: Request, *, limit: int = MAX_BODY_BYTES) -> Any:
    """The body parsed as JSON, or an HTTPException that says what is wrong with it."""
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
    return HTTPException(413, f"the body is larger than {limit // 1024} KiB")
