"""A user's notification preferences and channels, for admins and admin tokens:

``GET``/``PUT /api/users/{id}/preferences``, ``POST /api/users/{id}/channels``,
``DELETE /api/users/{id}/channels/{channel_id}``, ``POST /api/users/{id}/test-notification`` and
``POST /api/users/{id}/links/rotate`` (the links sent to the user so far stop working).

A channel's Apprise URL holds the service's secrets: it goes in once, when the channel is added, and
only its masked label ever comes out (answers and audit lines alike).
"""

import logging
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.notifier import Notifier
from services.preferences import InvalidPreference, NotFound, Preferences, UserSettings

from .policy import Caller, Need, requires, who

audit = logging.getLogger("airdate.audit")

UserId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the user's id")]
ChannelId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the channel's id")]
TmdbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
NO_USER = {404: {"description": "no such user"}}
ADMIN_API = requires(Need.ADMIN, tokens=True)  # addresses, and channels that reach people
DEFAULT = "default"  # a show's rule: the user's default again
Rule = Literal["each", "premieres", "season_complete"]  # data.models.EpisodeRule
RuleOrDefault = Literal["each", "premieres", "season_complete", "default"]
ShowKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,8}$")]  # a TMDB id, as a JSON key


class PreferencesChange(BaseModel):
    """What to change; a field left out (or null) stays as it is."""

    model_config = ConfigDict(extra="forbid")

    mode: str | None = Field(None, max_length=32, description="as_they_land, digest or off")
    digest_at: str | None = Field(None, max_length=8, description="HH:MM, the digest's local time")
    time_zone: str | None = Field(None, max_length=64, description="an IANA name, e.g. Europe/Berlin")
    email_enabled: bool | None = Field(None, description="whether the e-mail address is a channel")
    email: str | None = Field(
        None,
        max_length=320,
        description="an address for a user Jellyseerr has none for (kept until it has one); '' takes it back",
    )
    muted: list[TmdbId] | None = Field(
        None, max_length=10_000, description="the TMDB ids of the shows not to hear about (all of them)"
    )
    episode_rule: Rule | None = Field(None, description="which episodes the user hears of by default")
    show_rules: dict[ShowKey, RuleOrDefault] = Field(
        default_factory=dict,
        max_length=10_000,
        description='a rule per show, by TMDB id ("default": the user\'s default again); others stay',
        json_schema_extra={"additionalProperties": False},
    )


class NewChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=2000, description="an Apprise URL, e.g. ntfys://ntfy.sh/topic (kept, never shown)"
    )


def create_router(users: UserSettings, notifier: Notifier) -> APIRouter:
    router = APIRouter(tags=["preferences"])

    async def known(user_id: int) -> Preferences:
        try:
            return await users.read(user_id)
        except NotFound as error:
            raise HTTPException(404, str(error)) from None

    @router.get(
        "/api/users/{user_id}/preferences",
        dependencies=[ADMIN_API],
        summary="How a user is told: mode, digest time, time zone, e-mail, channels (masked), shows",
        responses=NO_USER,
    )
    async def read(user_id: UserId) -> dict:
        return answer(await known(user_id))

    @router.put(
        "/api/users/{user_id}/preferences",
        dependencies=[ADMIN_API],
        summary="Change a user's preferences; queued items they no longer want become skipped",
        responses={**NO_USER, 422: {"description": "a value that cannot be kept (the reason)"}},
    )
    async def change(user_id: UserId, body: PreferencesChange, caller: Caller) -> dict:
        given = body.model_dump(exclude_none=True)
        muted = set(given.pop("muted")) if "muted" in given else None
        show_rules = given.pop("show_rules", None)
        if show_rules:
            given["show_rules"] = {
                int(show): None if rule == DEFAULT else rule for show, rule in show_rules.items()
            }
        try:
            skipped = await users.update(user_id, by=who(caller), muted=muted, **given)
        except InvalidPreference as error:
            raise HTTPException(422, str(error)) from None
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        return {"preferences": answer(await known(user_id)), "skipped": skipped}

    @router.post(
        "/api/users/{user_id}/links/rotate",
        dependencies=[ADMIN_API],
        status_code=204,
        summary="Revoke the manage and unsubscribe links sent to a user so far; later messages get new ones",
        responses=NO_USER,
    )
    async def rotate_links(user_id: UserId, caller: Caller) -> None:
        try:
            await notifier.rotate_links(user_id, by=who(caller))
        except LookupError:
            raise HTTPException(404, f"there is no user {user_id}") from None

    @router.post(
        "/api/users/{user_id}/channels",
        dependencies=[ADMIN_API],
        status_code=201,
        summary="Add an Apprise channel (Discord, Telegram, ntfy, a JSON webhook, …) for a user",
        responses={**NO_USER, 422: {"description": "Apprise cannot use the URL (the reason)"}},
    )
    async def add(user_id: UserId, body: NewChannel, caller: Caller) -> JSONResponse:
        try:
            channel_id, label = await users.add_channel(user_id, body.url, by=who(caller))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        return JSONResponse({"id": channel_id, "label": label}, status_code=201)

    @router.delete(
        "/api/users/{user_id}/channels/{channel_id}",
        dependencies=[ADMIN_API],
        summary="Stop using one of a user's channels; its queued items become skipped",
        responses={404: {"description": "no such user, or not one of their channels"}},
    )
    async def remove(user_id: UserId, channel_id: ChannelId, caller: Caller) -> dict:
        try:
            skipped = await users.remove_channel(user_id, channel_id, by=who(caller))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        return {"id": channel_id, "removed": True, "skipped": skipped}

    @router.post(
        "/api/users/{user_id}/test-notification",
        dependencies=[ADMIN_API],
        summary="Send a test message to each of a user's channels now; the result per channel",
        responses=NO_USER,
    )
    async def test(user_id: UserId, caller: Caller) -> dict:
        user = await known(user_id)
        try:
            results = await notifier.test(user_id)
        except LookupError:
            raise HTTPException(404, f"there is no user {user_id}") from None
        audit.info("%s sent a test notification to user %d (%s)", who(caller), user_id, user.username)
        return {"results": [asdict(result) for result in results]}

    return router


def answer(settings: Preferences) -> dict:
    """The preferences as the API gives them: channels by id and masked label, never their URL (nor
    the key the user's links carry)."""
    given = asdict(settings)
    del given["link_key"]
    return given
