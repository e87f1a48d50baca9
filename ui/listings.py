"""Users, Requests and Episodes: tables paged, sorted and searched by the database."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from api.policy import Need, requires
from data import Database
from data.addresses import mask_email
from data.queries import LISTINGS
from services.listings import read_page
from services.notifier import Notifier

from .email_preview import EmailPreview
from .frame import Nav, frame
from .principal import principal_of

ROWS_PER_PAGE = (10, 25, 50, 100)
LOCAL_TIME_CELL = (
    '<q-td :props="props" :title="props.value">'
    '{{ props.value ? new Date(props.value).toLocaleString() : "—" }}</q-td>'
)
PRIVATE_COLUMNS = ("email", "upstream_email")  # shown masked to viewers
EMAIL_CELL = (  # a user without an address says so, and why (what Jellyseerr has instead)
    '<q-td :props="props"><span v-if="props.value">{{ props.value }}</span>'
    '<span v-else class="italic opacity-60" data-testid="no-address" '
    ":title=\"props.row.upstream_email ? 'Jellyseerr has ' + props.row.upstream_email + ', which is not an "
    "address' : ''\">no address{{ props.row.upstream_email ? ' (Jellyseerr has ' + props.row.upstream_email "
    "+ ')' : '' }}</span></q-td>"
)
GONE = "props.row.removed_at || props.row.status === 'removed'"
REMOVED_CELL = (  # users and requests gone from Jellyseerr: greyed, with a badge
    f"<q-td :props=\"props\" :class=\"{GONE} ? 'opacity-50' : ''\">{{{{ props.value }}}}"
    f'<q-badge v-if="{GONE}" color="grey" class="q-ml-sm" label="removed" /></q-td>'
)
FIRST_CELL = {"users": "username", "requests": "title"}  # where a removed row says so
NEXT_EMAIL_CELL = (  # the admin's button on each user: what this user's next e-mail would say
    '<q-td :props="props"><q-btn flat dense no-caps icon="mail" label="Next e-mail" '
    ":aria-label=\"'Next e-mail to ' + props.row.username\" "
    "@click=\"() => $parent.$emit('next_email', props.row.id)\" /></q-td>"
)
NOTIFICATIONS_CELL = (  # the admin's link on each user: their preferences and channels
    '<q-td :props="props"><q-btn flat dense no-caps icon="notifications" label="Notifications" '
    ":aria-label=\"'Notifications of ' + props.row.username\" "
    "@click=\"() => $parent.$emit('notifications', props.row.id)\" /></q-td>"
)
PAGES = {  # listing -> (page title, search hint)
    "users": ("Users", "Search name or e-mail"),
    "requests": ("Requests", "Search title, requester or status"),
    "episodes": ("Episodes", "Search show or episode title"),
}


def register(database: Database, notifier: Notifier, nav: Nav) -> None:
    for listing, (title, hint) in PAGES.items():

        @ui.page(f"/{listing}", dependencies=[requires(Need.VIEWER)])
        async def listing_page(listing: str = listing, title: str = title, hint: str = hint) -> None:
            principal = principal_of(ui.context.client)
            is_admin = principal is not None and principal.is_admin
            masked = () if is_admin else PRIVATE_COLUMNS
            with frame(title, nav):
                table = ListingTable(database, listing, hint, masked=masked)
                if listing == "users" and is_admin:
                    preview = EmailPreview(notifier)
                    table.add_row_button("next_email", NEXT_EMAIL_CELL, preview.show)
                    table.add_row_button("notifications", NOTIFICATIONS_CELL, open_user)
            await table.load()


async def open_user(user_id: int) -> None:
    ui.navigate.to(f"/users/{user_id}")


class ListingTable(ui.column):
    def __init__(
        self, database: Database, listing: str, hint: str, per_page: int = 25, masked: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.classes("w-full gap-2")
        self.database = database
        self.listing = listing
        self.masked = masked  # columns this viewer sees masked (e-mail addresses, for viewers)
        spec = LISTINGS[listing]
        columns = [
            {
                "name": name,
                "label": label(name),
                "field": name,
                "sortable": True,
                "align": "left",
            }
            for name in spec.columns
            if name not in spec.details
        ]
        pagination = {"page": 1, "rowsPerPage": per_page, "sortBy": "id", "descending": True, "rowsNumber": 0}
        with self:
            with ui.row().classes("w-full items-center gap-4"):
                self.search = (
                    ui.input(placeholder=hint, on_change=self.load)
                    .props(f'debounce=300 clearable outlined dense aria-label="{hint}"')
                    .classes("w-full max-w-md")
                    .mark("search")
                )
                self.removed: ui.switch | None = None
                if spec.kept is not None:  # users and requests gone from Jellyseerr, on request
                    self.removed = ui.switch("Show removed", on_change=self.load).mark("show-removed")
            self.table = (
                ui.table(columns=columns, rows=[], row_key="id", pagination=pagination)
                .props(f':rows-per-page-options="{list(ROWS_PER_PAGE)}" flat bordered')
                .classes("w-full overflow-x-auto")
                .mark(f"{listing}-table")
            )
        for name in spec.instants:  # shown in the viewer's own time zone, like every time
            self.table.add_slot(f"body-cell-{name}", LOCAL_TIME_CELL)
        if "email" in spec.columns:
            self.table.add_slot("body-cell-email", EMAIL_CELL)
        if listing in FIRST_CELL:
            self.table.add_slot(f"body-cell-{FIRST_CELL[listing]}", REMOVED_CELL)
        self.table.on("request", lambda e: self.load(e.args["pagination"]))

    def add_row_button(self, name: str, cell: str, on_click: Callable[[int], Awaitable[None]]) -> None:
        """A last column whose ``cell`` emits ``name`` with the row's id."""
        self.table.columns = [
            *self.table.columns,
            {"name": name, "label": "", "field": "id", "align": "right"},
        ]
        self.table.add_slot(f"body-cell-{name}", cell)
        self.table.on(name, lambda event: on_click(int(event.args)))

    async def load(self, pagination: dict | None = None) -> None:
        wanted = {**self.table.pagination, **(pagination or {})}
        if pagination is None:
            wanted["page"] = 1  # a new search starts at the first page
        try:
            page = await read_page(
                self.database,
                self.listing,
                search=self.search.value or "",
                sort_by=wanted.get("sortBy") or "id",
                descending=bool(wanted.get("descending")),
                page=int(wanted["page"]),
                per_page=int(wanted["rowsPerPage"]) or 25,
                hidden=self.masked,
                removed=bool(self.removed and self.removed.value),
            )
        except ValueError as error:
            ui.notify(str(error), type="warning")
            return
        self.table.rows = [
            {
                name: mask_email(value) if name in self.masked and value else value
                for name, value in row.items()
            }
            for row in page.rows
        ]
        self.table.pagination = {**wanted, "rowsNumber": page.total}


def label(column: str) -> str:
    """``jellyseerr_id`` → "Jellyseerr ID", ``tmdb_id`` → "TMDB ID", ``created_at`` → "Created at"."""
    words = column.split("_")
    words = [{"id": "ID", "tmdb": "TMDB"}.get(word, word) for word in words]
    text = " ".join(words)
    return text[0].upper() + text[1:]
