"""The shows Airdate tracks: ``/shows`` (each with its requesters and followers, searched by title) and
``/shows/{tmdb_id}`` (who is told, what airs next; an admin adds and removes followers there)."""

from nicegui import ui

from api.policy import Need, requires
from data.follows import TrackedShow
from live.upcoming import UpcomingBoard
from services.follows import Follows, NotFound

from .frame import Nav, frame
from .principal import principal_of
from .upcoming_page import UpcomingTable

COLUMNS = [
    {"name": "title", "label": "Show", "field": "title", "align": "left", "sortable": True},
    {"name": "requesters", "label": "Requesters", "field": "requesters", "align": "left"},
    {"name": "followers", "label": "Followers", "field": "followers", "align": "left"},
]
TITLE_CELL = (  # each show's title opens its page
    '<q-td :props="props"><a class="text-primary" :href="\'/shows/\' + props.row.tmdb_id">'
    "{{ props.value }}</a></q-td>"
)


def register(follows: Follows, upcoming: UpcomingBoard, nav: Nav) -> None:
    @ui.page("/shows", dependencies=[requires(Need.VIEWER)])
    async def shows_page() -> None:
        with frame("Shows", nav):
            await ShowList(follows).load()

    @ui.page("/shows/{tmdb_id}", dependencies=[requires(Need.VIEWER)])
    async def show_page(tmdb_id: str) -> None:
        principal = principal_of(ui.context.client)
        with frame("Show", nav):
            show = None
            if tmdb_id.isdigit():
                try:
                    show = await follows.show(int(tmdb_id))
                except NotFound:
                    show = None
            if show is None:
                with ui.column().classes("gap-2").mark("no-such-show"):
                    ui.label(f"Airdate tracks no show {tmdb_id}.").classes("text-lg")
                    ui.link("Back to the shows", "/shows")
                return
            ui.label(show.title).classes("text-xl font-medium").mark("show-heading")
            admin = principal.who if principal is not None and principal.is_admin else None
            with ui.card().classes("w-full max-w-3xl"):
                await People(follows, show, acting=admin).draw()
            with ui.card().classes("w-full max-w-5xl"):
                ui.label("Upcoming").classes("text-lg font-medium")
                UpcomingTable(upcoming, tmdb_id=show.tmdb_id)


class ShowList(ui.column):
    def __init__(self, follows: Follows) -> None:
        super().__init__()
        self.follows = follows
        self.classes("w-full gap-2")
        with self:
            self.search = (
                ui.input(placeholder="Search title", on_change=self.load)
                .props('debounce=300 clearable outlined dense aria-label="Search title"')
                .classes("w-full max-w-md")
                .mark("search")
            )
            self.table = (
                ui.table(columns=COLUMNS, rows=[], row_key="tmdb_id")
                .props("flat bordered")
                .classes("w-full")
                .mark("shows-table")
            )
            self.table.add_slot("body-cell-title", TITLE_CELL)

    async def load(self) -> None:
        shows = await self.follows.shows(self.search.value or "")
        self.table.rows = [
            {
                "tmdb_id": show.tmdb_id,
                "title": show.title,
                "requesters": ", ".join(show.requesters) or "—",
                "followers": ", ".join(show.followers) or "—",
            }
            for show in shows
        ]


class People(ui.column):
    """A show's requesters and followers; ``acting`` (an admin's name) may add and remove followers."""

    def __init__(self, follows: Follows, show: TrackedShow, *, acting: str | None) -> None:
        super().__init__()
        self.follows, self.show, self.acting = follows, show, acting
        self.classes("w-full gap-2").mark("show-people")

    async def draw(self) -> None:
        self.show = await self.follows.show(self.show.tmdb_id)
        self.clear()
        with self:
            ui.label("Who is told").classes("text-lg font-medium")
            ui.label(f"Requested by: {', '.join(self.show.requesters) or 'nobody'}").mark("requesters")
            with ui.row().classes("items-center gap-2").mark("followers"):
                ui.label("Followers:")
                if not self.show.followers:
                    ui.label("none").classes("opacity-60")
                for name in self.show.followers:
                    chip = ui.chip(name, removable=self.acting is not None).props("outline")
                    chip.on("remove", lambda _e, name=name: self.remove(name))
            if self.acting is not None:
                await self._adder()

    async def _adder(self) -> None:
        options = dict(await self.follows.candidates(self.show.tmdb_id))
        with ui.row().classes("items-center gap-2"):
            chosen = (
                ui.select(options, label="Add a follower", with_input=True)
                .props('outlined dense aria-label="Add a follower"')
                .classes("min-w-64")
                .mark("add-follower")
            )
            ui.button("Add", icon="person_add", on_click=lambda: self.add(chosen.value)).props(
                "unelevated no-caps"
            ).mark("add-follower-button")

    async def add(self, user_id: int | None) -> None:
        if user_id is None:
            ui.notify("Choose a user first.", type="warning")
            return
        try:
            await self.follows.follow(user_id, self.show.tmdb_id, by=self.acting or "?")
        except NotFound as error:
            ui.notify(str(error), type="warning")
        await self.draw()

    async def remove(self, name: str) -> None:
        ids = {username: user_id for user_id, username in await self.follows.followers(self.show.tmdb_id)}
        if name in ids:
            await self.follows.unfollow(ids[name], self.show.tmdb_id, by=self.acting or "?")
        await self.draw()
