"""The Access tokens page (admins only): tokens for programs, shown once when made, revocable."""

from nicegui import ui

from api.identities import Identities
from api.policy import Need, requires
from data.clock import iso_utc
from data.models import Scope
from services.async_access import AsyncAccess
from services.principals import AccessError

from .frame import Nav, frame
from .listings import LOCAL_TIME_CELL
from .principal import principal_of

COLUMNS = [
    {"name": "name", "label": "Name", "field": "name", "align": "left"},
    {"name": "scope", "label": "Scope", "field": "scope", "align": "left"},
    {"name": "created_at", "label": "Created", "field": "created_at", "align": "left"},
    {"name": "created_by", "label": "By", "field": "created_by", "align": "left"},
    {"name": "last_used_at", "label": "Last used", "field": "last_used_at", "align": "left"},
    {"name": "actions", "label": "", "field": "name", "align": "right"},
]
ROW_ACTIONS = """
<q-td :props="props">
  <q-btn flat dense no-caps icon="block" color="negative" label="Revoke"
         :aria-label="'Revoke ' + props.row.name"
         @click="() => $parent.$emit('revoke', props.row.name)" />
</q-td>
"""
SCOPES = {Scope.READ.value: "read: streams, stats, jobs, metrics", Scope.ADMIN.value: "admin: also actions"}


def register(access: AsyncAccess, identities: Identities, nav: Nav) -> None:
    @ui.page("/tokens", dependencies=[requires(Need.ADMIN)])
    async def tokens_page() -> None:
        principal = principal_of(ui.context.client)
        with frame("Access tokens", nav):
            panel = TokensPanel(access, identities, by=principal.who if principal else "?")
        await panel.refresh()


class TokensPanel(ui.column):
    def __init__(self, access: AsyncAccess, identities: Identities, *, by: str) -> None:
        super().__init__()
        self.classes("w-full gap-4").mark("tokens")
        self.access = access
        self.identities = identities
        self.by = by
        with self:
            ui.label(
                "Programs send a token as Authorization: Bearer <token> (EventSource on another site: "
                "?access_token=<token>). A token is shown once, when it is made; only a hash is kept."
            ).classes("text-gray-500")
            self.table = ui.table(columns=COLUMNS, rows=[], row_key="name").props("flat bordered")
            self.table.classes("w-full overflow-x-auto").mark("tokens-table")
            for name in ("created_at", "last_used_at"):
                self.table.add_slot(f"body-cell-{name}", LOCAL_TIME_CELL)
            self.table.add_slot("body-cell-actions", ROW_ACTIONS)
            self.table.on("revoke", lambda e: self.confirm_revoke(e.args))
            with ui.card().classes("w-full max-w-xl gap-2"):
                ui.label("Create a token").classes("text-lg font-medium")
                self.name = ui.input("Name", placeholder="what it is for, e.g. grafana").props(
                    'outlined dense aria-label="Token name"'
                )
                self.scope = ui.select(SCOPES, value=Scope.READ.value, label="Scope").props(
                    'outlined dense aria-label="Scope"'
                )
                ui.button("Create token", icon="key", on_click=self.create).props("unelevated no-caps")

    async def refresh(self) -> None:
        tokens = await self.access.tokens()
        self.table.rows = [
            {
                "name": t.name,
                "scope": t.scope,
                "created_at": iso_utc(t.created_at),
                "created_by": t.created_by,
                "last_used_at": iso_utc(t.last_used_at),
            }
            for t in tokens
        ]

    async def create(self) -> None:
        name = (self.name.value or "").strip()
        try:
            value = await self.access.mint_token(name, self.scope.value, by=self.by)
        except AccessError as error:
            ui.notify(str(error), type="negative")
            return
        self.name.value = ""
        await self.refresh()
        self.show_once(name, value)

    def show_once(self, name: str, value: str) -> None:
        with ui.dialog().props("persistent") as dialog, ui.card().classes("gap-3 max-w-2xl"):
            ui.label(f"Token {name!r}").classes("text-lg font-medium")
            ui.label("Copy it now: it is not shown again.").classes("text-amber-700")
            shown = ui.input(value=value).props('readonly outlined dense aria-label="New token"')
            shown.classes("w-full font-mono").mark("new-token")
            with ui.row():
                ui.button("Copy", icon="content_copy", on_click=lambda: ui.clipboard.write(value)).props(
                    "no-caps"
                )
                ui.button("Done", on_click=dialog.delete).props("unelevated no-caps")  # off the page too
        dialog.open()

    def confirm_revoke(self, name: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("gap-2"):
            ui.label(f"Revoke {name}? Programs using it are refused, its open streams end.").classes(
                "text-lg"
            )

            async def revoke() -> None:
                try:
                    await self.access.revoke_token(name, by=self.by)
                except AccessError as error:
                    ui.notify(str(error), type="negative")
                else:
                    self.identities.forget()
                    ui.notify(f"Revoked {name}.", type="positive")
                    await self.refresh()
                dialog.close()

            with ui.row():
                ui.button("Revoke", color="negative", on_click=revoke).props("unelevated no-caps")
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
        dialog.open()
