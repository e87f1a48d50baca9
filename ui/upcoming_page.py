"""``/upcoming``: the episodes of tracked shows that air in the next 14 days, each with who will be told;
live through the one feed (:class:`live.upcoming.UpcomingBoard`): the table changes while you watch."""

from nicegui import ui

from api.policy import Need, requires
from data.upcoming import WINDOW
from live.upcoming import UpcomingBoard

from .frame import Nav, frame
from .listings import LOCAL_TIME_CELL

COLUMNS = [
    {"name": "air_at", "label": "Airs", "field": "air_at", "align": "left"},
    {"name": "show", "label": "Show", "field": "show", "align": "left"},
    {"name": "episode", "label": "Episode", "field": "episode", "align": "left"},
    {"name": "title", "label": "Title", "field": "title", "align": "left"},
    {"name": "note", "label": "Finale", "field": "note", "align": "left"},
    {"name": "told", "label": "Who will be told", "field": "told", "align": "left"},
]
SHOW_CELL = (
    '<q-td :props="props"><a class="text-primary" :href="\'/shows/\' + props.row.tmdb_id">'
    "{{ props.value }}</a></q-td>"
)


def register(upcoming: UpcomingBoard, nav: Nav) -> None:
    @ui.page("/upcoming", dependencies=[requires(Need.VIEWER)])
    async def upcoming_page() -> None:
        with frame("Upcoming", nav):
            ui.label(
                f"What Sonarr lists to air in the next {WINDOW.days} days, for the shows Airdate tracks."
            ).classes("text-sm opacity-70")
            UpcomingTable(upcoming)


class UpcomingTable(ui.column):
    """The board's rows (one show's, given ``tmdb_id``); redrawn from the shared rows at each change."""

    def __init__(self, board: UpcomingBoard, *, tmdb_id: int | None = None) -> None:
        super().__init__()
        self.board, self.tmdb_id = board, tmdb_id
        self.classes("w-full gap-2")
        with self:
            columns = [c for c in COLUMNS if not (tmdb_id and c["name"] == "show")]
            self.table = (
                ui.table(columns=columns, rows=[], row_key="id")
                .props('flat bordered :pagination="{rowsPerPage: 0}" hide-bottom')
                .classes("w-full")
                .mark("upcoming-table")
            )
            self.table.add_slot("body-cell-air_at", LOCAL_TIME_CELL)
            self.table.add_slot("body-cell-show", SHOW_CELL)
            self.empty = ui.label("").classes("text-sm opacity-70").mark("upcoming-empty")
        self.show_rows()
        ui.context.client.on_delete(board.listen(self.show_rows))

    def show_rows(self) -> None:
        rows = [row for row in self.board.rows if self.tmdb_id in (None, row["tmdb_id"])]
        self.table.rows = rows
        self.table.set_visibility(bool(rows))
        if self.board.current is None:
            self.empty.text = "Reading the schedule…"
        else:
            self.empty.text = "" if rows else f"Nothing listed to air in the next {WINDOW.days} days."
