"""On a person's manage page: the shows Airdate tracks, searched by title, each with a switch to follow
it (told of its new episodes as if they had requested it)."""

from nicegui import ui

from services.follows import SHOWN, Follows, NotFound
from services.preferences import OWN_LINK


class FollowShows(ui.column):
    def __init__(self, follows: Follows, user_id: int, requested: set[int]) -> None:
        super().__init__()
        self.follows, self.user_id, self.requested = follows, user_id, requested
        self.classes("w-full gap-2").mark("follow-shows")
        with self:
            ui.label("Follow a show").classes("text-lg font-medium")
            ui.label(
                "Be told of the new episodes of a show someone else requested, as you choose above."
            ).classes("text-sm opacity-70")
            self.search = (
                ui.input(placeholder="Search title", on_change=self.load)
                .props('debounce=300 clearable outlined dense aria-label="Search the shows"')
                .classes("w-full max-w-md")
                .mark("follow-search")
            )
            self.list = ui.column().classes("w-full gap-0")

    async def load(self) -> None:
        shows = await self.follows.shows(self.search.value or "")
        following = await self.follows.followed(self.user_id)
        self.list.clear()
        with self.list:
            if not shows:
                ui.label("No show matches.").classes("text-sm opacity-70").mark("no-show-matches")
            for show in shows:
                with ui.row().classes("w-full items-center justify-between").mark(f"follow-{show.tmdb_id}"):
                    ui.label(show.title)
                    if show.tmdb_id in self.requested:
                        ui.label("you requested it").classes("text-sm opacity-60")
                        continue
                    ui.switch(
                        "Following",
                        value=show.tmdb_id in following,
                        on_change=lambda e, show=show: self.set_following(show.tmdb_id, show.title, e.value),
                    ).props(f'aria-label="Follow {show.title}"')
            if len(shows) == SHOWN:
                ui.label(f"The first {SHOWN} shown: search to find others.").classes("text-sm opacity-60")

    async def set_following(self, tmdb_id: int, title: str, following: bool) -> None:
        try:
            if following:
                await self.follows.follow(self.user_id, tmdb_id, by=OWN_LINK)
                ui.notify(f"You will be told of new episodes of {title}.")
            else:
                skipped = await self.follows.unfollow(self.user_id, tmdb_id, by=OWN_LINK)
                extra = f" ({skipped} queued not sent)" if skipped else ""
                ui.notify(f"You no longer follow {title}{extra}.")
        except NotFound as error:
            ui.notify(str(error), type="warning")
