"""The admin's message templates, for admins and admin tokens (the Messages page's API):

``GET /api/message-templates/{kind}`` (the kept versions, newest in force),
``PUT /api/message-templates/{kind}`` (a new version, checked first: 422 with the line, nothing saved),
``POST /api/message-templates/versions/{id}/restore`` and ``POST /api/message-preview`` (not under
``/api/message-templates/``: a PUT there would reach ``{kind}`` and answer 422, not 405).
"""

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from data.clock import iso_utc
from data.templates import Version
from services.message_templates import MessageTemplates, NotFound
from services.notifier import Notifier
from services.templating import TemplateError

from .bodies import BODY_PROBLEMS
from .policy import Caller, Need, requires, who

ADMIN_API = requires(Need.ADMIN, tokens=True)
Kind = Literal["subject", "text", "html", "markdown"]
TAG = r"^[A-Za-z0-9_-]*$"  # a language tag (BCP 47's letters, digits and hyphens; _ as Babel writes it)
Locale = Annotated[
    str, Query(max_length=35, pattern=TAG, description='a language tag ("" or left out: every language)')
]
# Four drafts of this many characters stay under the API's body limit even as JSON's \uXXXX escapes
# (6 bytes each): a draft the schema allows is never refused for its size.
SOURCE_CHARS = 40_000
REFUSED = {
    413: BODY_PROBLEMS[413],
    422: {"description": "the template does not parse, names an unknown variable or fails (why, line)"},
}


class NewVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(max_length=SOURCE_CHARS, description='the Jinja2 template ("": the built-in words)')
    locale: str = Field("", max_length=35, pattern=TAG, description='a language tag ("": every language)')


class Drafts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    drafts: dict[Kind, Annotated[str, Field(max_length=SOURCE_CHARS)]] = Field(
        default_factory=dict, description="unsaved templates by kind (left out: the built-in words)"
    )
    # at most 2**53 - 1 in a body, the integers JSON readers keep exactly (2**63 - 1 was read as a float
    # by schema tools, which then sent a number above it)
    user_id: int | None = Field(None, ge=1, le=2**53 - 1, description="whose next batch (none: sample data)")


def create_router(messages: MessageTemplates, notifier: Notifier) -> APIRouter:
    router = APIRouter(tags=["messages"])

    @router.get(
        "/api/message-templates/{kind}",
        dependencies=[ADMIN_API],
        summary="The kept versions of a message template, newest (the one in force) first",
    )
    async def versions(kind: Kind, locale: Locale = "") -> dict:
        try:
            kept = await messages.versions(kind, locale)
        except TemplateError as error:
            raise HTTPException(422, str(error)) from None
        return {"kind": kind, "locale": locale, "versions": [_version(v) for v in kept]}

    @router.put(
        "/api/message-templates/{kind}",
        dependencies=[ADMIN_API],
        summary="Save a message template as the new version in force (checked first; nothing saved if not)",
        responses=REFUSED,
    )
    async def save(kind: Kind, body: NewVersion, caller: Caller) -> dict:
        try:
            version = await messages.save(kind, body.source, by=who(caller), locale=body.locale)
        except TemplateError as error:
            return _refused(error)  # type: ignore[return-value]
        return _version(version)

    @router.post(
        "/api/message-templates/versions/{version_id}/restore",
        dependencies=[ADMIN_API],
        summary="Put a kept version of a template in force again (as a new version)",
        responses={404: {"description": "no such kept version"}, **REFUSED},
    )
    async def restore(version_id: Annotated[int, Path(ge=1, le=2**63 - 1)], caller: Caller) -> dict:
        try:
            version = await messages.restore(version_id, by=who(caller))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        except TemplateError as error:
            return _refused(error)  # type: ignore[return-value]
        return _version(version)

    @router.post(
        "/api/message-preview",
        dependencies=[ADMIN_API],
        summary="Render unsaved templates with a person's next batch (or sample data); nothing is sent",
        responses={404: {"description": "no such user"}, 413: BODY_PROBLEMS[413]},
    )
    async def preview(body: Drafts) -> dict:
        try:
            rendered = await messages.preview(dict(body.drafts), body.user_id, notifier.look, notifier.links)
        except LookupError as error:
            raise HTTPException(404, str(error)) from None
        return asdict(rendered)

    return router


def _version(version: Version) -> dict:
    return asdict(version) | {"created_at": iso_utc(version.created_at)}


def _refused(error: TemplateError) -> JSONResponse:
    return JSONResponse({"detail": str(error), "line": error.line}, status_code=422)
