"""On a person's manage page: the shows Airdate tracks, searched by title, each with a switch to follow
it (told of its new episodes as if they had requested it), in the person's language."""

from nicegui import ui

from services.follows import SHOWN, Follows, NotFound
from services.i18n import ENGLISH, Language
from services.preferences import OWN_LINK


class FollowShows(ui.column):
    def __init__(self, follows: Follows, user_id: int, requested: set[int], lang: Language = ENGLISH) -> None:
        super().__init__()
        self.follows, self.user_id, self.requested, self.lang = follows, user_id, requested, lang
        _ = lang.gettext
        self.classes("w-full gap-2").mark("follow-shows")
        with self:
            ui.label(_("Follow a show")).classes("text-lg font-medium")
            ui.label(
                _("Be told of the new episodes of a show someone else requested, as you choose above.")
            ).classes("text-sm opacity-70")
            search = _aria(_("Search the shows"))
            self.search = (
                ui.input(placeholder=_("Search title"), on_change=self.load)
                .props(f'debounce=300 clearable outlined dense aria-label="{search}"')
                .classes("w-full max-w-md")
                .mark("follow-search")
            )
            self.list = ui.column().classes("w-full gap-0")

    async def load(self) -> None:
        _ = self.lang.gettext
        shows = await self.follows.shows(self.search.value or "")
        following = await self.follows.followed(self.user_id)
        self.list.clear()
        with self.list:
            if not shows:
                ui.label(_("No show matches.")).classes("text-sm opacity-70").mark("no-show-matches")
            for show in shows:
                with ui.row().classes("w-full items-center justify-between").mark(f"follow-{show.tmdb_id}"):
                    ui.label(show.title)
                    if show.tmdb_id in self.requested:
                        ui.label(_("you requested it")).classes("text-sm opacity-60")
                        continue
                    follow = _aria(_("Follow {show}").format(show=show.title))
                    ui.switch(
                        _("Following"),
                        value=show.tmdb_id in following,
                        on_change=lambda e, show=show: self.set_following(show.tmdb_id, show.title, e.value),
                    ).props(f'aria-label="{follow}"')
            if len(shows) == SHOWN:
                first = _("The first {count} shown: search to find others.").format(count=SHOWN)
                ui.label(first).classes("text-sm opacity-60")

    async def set_following(self, tmdb_id: int, title: str, following: bool) -> None:
        _ = self.lang.gettext
        try:
            if following:
                await self.follows.follow(self.user_id, tmdb_id, by=OWN_LINK)
                ui.notify(_("You will be told of new episodes of {show}.").format(show=title))
            else:
                skipped = await self.follows.unfollow(self.user_id, tmdb_id, by=OWN_LINK)
                said = _("You no longer follow {show}.").format(show=title)
                if skipped:
                    said += " " + self.lang.ngettext(
                        "({count} queued not sent)", "({count} queued not sent)", skipped
                    ).format(count=skipped)
                ui.notify(said)
        except NotFound as error:
            ui.notify(str(error), type="warning")


def _aria(label: str) -> str:
    """A label as a props string can carry it (a show's title may hold quotes)."""
    return label.replace('"', "'")
