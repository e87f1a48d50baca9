"""The requester's own pages, reached from the signed links in every message; no account needed.

``/manage/<token>``: their preferences (mode, digest time, time zone, which episodes, muted shows), the
shows they follow, the link of their calendar feed (``/calendar/<token>.ics``, the same token) and
"Unsubscribe from everything". ``/unsubscribe/<token>``: a confirmation first — a GET changes nothing,
because mail scanners follow links (RFC 8058); the one-click POST of that RFC is an API route of its own.

The guard has checked the token before these run (``Need.SIGNED``): a changed one is answered 403, a
valid one's user is in the request's state.
Neither page shows the console's menu. Both speak the person's language, as their messages do
(:meth:`services.preferences.UserSettings.language`).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from nicegui import ui

from api.policy import Need, requires
from services.follows import Follows
from services.i18n import ENGLISH, N_, Language
from services.links import CALENDAR, ICS, MANAGE, UNSUBSCRIBE
from services.preferences import OWN_LINK, NotFound, Preferences, UserSettings

from .follow_shows import FollowShows
from .frame import PRODUCT
from .preferences_form import PreferencesForm

YOURS = N_("Your notifications")


def register(users: UserSettings, follows: Follows) -> None:

    @ui.page(MANAGE + "{token}", dependencies=[requires(Need.SIGNED)])
    async def manage_page(token: str, request: Request) -> None:
        settings = await _settings(users, request)
        lang = users.language(settings) if settings else ENGLISH
        _ = lang.gettext
        with plain_card(_(YOURS), lang) as card:
            if settings is None:
                _unknown(lang)
                return
            hi = _("Hi {name}: choose when {product} tells you about new episodes.")
            ui.label(hi.format(name=settings.username, product=PRODUCT)).classes("text-sm").mark(
                "manage-greeting"
            )
            form = PreferencesForm(users, settings, by=OWN_LINK, lang=lang)
            ui.separator()
            with ui.row().classes("items-center gap-2"):
                ui.icon("event", size="sm").classes("text-primary")
                ui.link(_("Add the upcoming episodes to your calendar"), CALENDAR + token + ICS).mark(
                    "calendar-link"
                )
            ui.label(
                _("Subscribe to this address in your calendar app: it follows air-date changes by itself.")
            ).classes("text-xs text-gray-500")
            ui.separator()
            requested = {show.tmdb_id for show in settings.shows if not show.followed}
            await FollowShows(follows, settings.user_id, requested, lang).load()
            ui.separator()
            ui.button(
                _("Unsubscribe from everything"), icon="notifications_off", on_click=form.turn_off
            ).props("no-caps outline color=negative").mark("unsubscribe-all")
        card.mark("manage")

    @ui.page(UNSUBSCRIBE + "{token}", dependencies=[requires(Need.SIGNED)])
    async def unsubscribe_page(token: str, request: Request) -> None:
        settings = await _settings(users, request)
        lang = users.language(settings) if settings else ENGLISH
        _ = lang.gettext
        with plain_card(_("Unsubscribe"), lang):
            if settings is None:
                _unknown(lang)
                return
            body = ui.column().classes("w-full gap-3").mark("unsubscribe")

            async def unsubscribe() -> None:
                try:
                    skipped = await users.unsubscribe(settings.user_id, where="on the page of their link")
                except NotFound as error:
                    ui.notify(str(error), type="warning")
                    return
                body.clear()
                with body:
                    done = _("Done: {product} will send {name} no more notifications.")
                    ui.label(done.format(product=PRODUCT, name=settings.username)).mark("unsubscribed")
                    if skipped:
                        queued = lang.ngettext(
                            "Already queued: {count} (not sent).",
                            "Already queued: {count} (not sent).",
                            skipped,
                        )
                        ui.label(queued.format(count=lang.number(skipped))).classes("text-sm")
                    ui.link(_("Changed your mind? Manage your notifications"), MANAGE + token)

            with body:
                stop = _("Stop every notification {product} sends to {name}?")
                ui.label(stop.format(product=PRODUCT, name=settings.username))
                ui.button(_("Unsubscribe"), icon="notifications_off", on_click=unsubscribe).props(
                    "no-caps color=negative"
                ).mark("confirm-unsubscribe")
                ui.link(_("Or choose which ones instead"), MANAGE + token).classes("text-sm")


@contextmanager
def plain_card(title: str, lang: Language) -> Iterator[ui.card]:  # title: in the person's language
    """A page of its own: a title and a card, no console header or menu, its ``<html lang>`` the
    person's (so a screen reader reads German as German). NiceGUI writes one ``lang`` per route, not per
    visitor: the page's first script sets it, before the body is parsed, as the e-mails set theirs."""
    ui.add_head_html(f"<script>document.documentElement.lang = {json.dumps(lang.catalog)};</script>")
    ui.page_title(f"{title} · {PRODUCT}")
    ui.colors(primary="#4f46e5")
    with ui.column().classes("w-full items-center p-4"), ui.card().classes("w-full max-w-2xl gap-3") as card:
        ui.label(f"{PRODUCT} · {title}").classes("text-xl font-bold")
        yield card


async def _settings(users: UserSettings, request: Request) -> Preferences | None:
    """The preferences of the link's user; None if there is no such user any more."""
    user_id = getattr(request.state, "link_user", None)  # the guard's answer for the link
    if user_id is not None:
        try:
            return await users.read(user_id)
        except NotFound:
            pass
    return None


def _unknown(lang: Language) -> None:
    ui.label(lang.gettext("This link is for a user Airdate no longer knows.")).mark("unknown-link-user")
