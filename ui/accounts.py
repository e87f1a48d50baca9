"""The Accounts page (admins only): who may sign in, with which role; add, remove, reset a password."""

from collections.abc import Awaitable

from nicegui import ui

from api.identities import Identities
from api.policy import Need, requires
from data.clock import iso_utc
from data.models import Role
from services.async_access import AsyncAccess
from services.principals import AccessError, Principal

from .frame import Nav, frame
from .listings import LOCAL_TIME_CELL
from .principal import principal_of

COLUMNS = [
    {"name": "username", "label": "User name", "field": "username", "align": "left"},
    {"name": "role", "label": "Role", "field": "role", "align": "left"},
    {"name": "created_at", "label": "Created", "field": "created_at", "align": "left"},
    {"name": "last_login_at", "label": "Last sign-in", "field": "last_login_at", "align": "left"},
    {"name": "actions", "label": "", "field": "username", "align": "right"},
]
ROW_ACTIONS = """
<q-td :props="props">
  <q-btn flat dense no-caps icon="swap_horiz"
         :label="props.row.role === 'admin' ? 'Make viewer' : 'Make admin'"
         :aria-label="(props.row.role === 'admin' ? 'Make viewer: ' : 'Make admin: ') + props.row.username"
         @click="() => $parent.$emit('role', props.row.username)" />
  <q-btn flat dense no-caps icon="password" label="Reset password"
         :aria-label="'Reset the password of ' + props.row.username"
         @click="() => $parent.$emit('reset', props.row.username)" />
  <q-btn flat dense no-caps icon="person_remove" color="negative" label="Remove"
         :aria-label="'Remove ' + props.row.username"
         @click="() => $parent.$emit('remove', props.row.username)" />
</q-td>
"""


LOCK_COLUMNS = [
    {"name": "username", "label": "Name", "field": "username", "align": "left"},
    {"name": "address", "label": "From", "field": "address", "align": "left"},
    {"name": "count", "label": "Tries", "field": "count", "align": "left"},
    {"name": "first_at", "label": "Since", "field": "first_at", "align": "left"},
    {"name": "clear", "label": "", "field": "username", "align": "right"},
]
CLEAR_LOCK = """
<q-td :props="props">
  <q-btn flat dense no-caps icon="lock_open" label="Clear"
         :aria-label="'Clear the sign-in lock of ' + props.row.username + ' from ' + props.row.address"
         @click="() => $parent.$emit('clear', props.row)" />
</q-td>
"""


def register(access: AsyncAccess, identities: Identities, nav: Nav) -> None:
    @ui.page("/accounts", dependencies=[requires(Need.ADMIN)])
    async def accounts_page() -> None:
        principal = principal_of(ui.context.client)
        with frame("Accounts", nav):
            panel = AccountsPanel(access, identities, acting=principal)
            locks = LocksPanel(access, by=principal.who if principal else "?")
        await panel.refresh()
        await locks.refresh()


class AccountsPanel(ui.column):
    def __init__(self, access: AsyncAccess, identities: Identities, *, acting: Principal | None) -> None:
        super().__init__()
        self.classes("w-full gap-4").mark("accounts")
        self.access = access
        self.identities = identities
        self.by = acting.who if acting else "?"
        self.acting = acting
        with self:
            self.table = ui.table(columns=COLUMNS, rows=[], row_key="username").props("flat bordered")
            self.table.classes("w-full overflow-x-auto").mark("accounts-table")
            for name in ("created_at", "last_login_at"):
                self.table.add_slot(f"body-cell-{name}", LOCAL_TIME_CELL)
            self.table.add_slot("body-cell-actions", ROW_ACTIONS)
            self.table.on("reset", lambda e: self.ask_password(e.args))
            self.table.on("role", lambda e: self.switch_role(e.args))
            self.table.on("remove", lambda e: self.confirm_removal(e.args))
            with ui.card().classes("w-full max-w-xl gap-2"):
                ui.label("Add an account").classes("text-lg font-medium")
                self.name = ui.input("User name").props('outlined dense aria-label="New user name"')
                self.role = ui.select(
                    {r.value: r.value.capitalize() for r in Role}, value=Role.VIEWER, label="Role"
                )
                self.role.props('outlined dense aria-label="Role"')
                self.password = ui.input("Password", password=True).props(
                    'outlined dense aria-label="Password"'
                )
                self.again = ui.input("The same again", password=True).props(
                    'outlined dense aria-label="Password again"'
                )
                ui.button("Add account", icon="person_add", on_click=self.add).props("unelevated no-caps")

    async def refresh(self) -> None:
        accounts = await self.access.accounts()
        self.table.rows = [
            {
                "username": a.username,
                "role": a.role,
                "created_at": iso_utc(a.created_at),
                "last_login_at": iso_utc(a.last_login_at),
            }
            for a in accounts
        ]

    async def add(self) -> None:
        if self.password.value != self.again.value:
            ui.notify("The two passwords differ.", type="warning")
            return
        name = (self.name.value or "").strip()
        if await self._do(self.access.add_account(name, self.password.value, self.role.value, by=self.by)):
            ui.notify(f"Added {name} ({self.role.value}).", type="positive")
            self.name.value = self.password.value = self.again.value = ""

    def ask_password(self, username: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("gap-2"):
            ui.label(f"New password for {username}").classes("text-lg")
            first = ui.input("Password", password=True).props('outlined dense aria-label="New password"')
            second = ui.input("The same again", password=True).props(
                'outlined dense aria-label="New password again"'
            )

            async def save() -> None:
                if first.value != second.value:
                    ui.notify("The two passwords differ.", type="warning")
                elif await self._do(
                    self.access.set_password(
                        username, first.value, by=self.by, keep_session=self._own(username)
                    )
                ):
                    ui.notify(f"Changed the password of {username}.", type="positive")
                    dialog.close()

            with ui.row():
                ui.button("Save", on_click=save).props("unelevated no-caps")
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
        dialog.open()

    async def switch_role(self, username: str) -> None:
        """Admin ⇄ viewer; the account's other sessions end (its pages and streams close)."""
        current = next((row["role"] for row in self.table.rows if row["username"] == username), None)
        role = Role.VIEWER if current == Role.ADMIN else Role.ADMIN
        if await self._do(self.access.set_role(username, role, by=self.by, keep_session=self._own(username))):
            self.identities.forget()
            ui.notify(f"{username} is now {role}.", type="positive")

    def _own(self, username: str) -> int | None:
        """The session to keep when an admin changes their own account: this page's."""
        acting = self.acting
        return acting.session_id if acting is not None and acting.name == username else None

    def confirm_removal(self, username: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("gap-2"):
            ui.label(f"Remove {username}? Their sessions end at once.").classes("text-lg")

            async def remove() -> None:
                if await self._do(self.access.remove_account(username, by=self.by)):
                    self.identities.forget()
                    ui.notify(f"Removed {username}.", type="positive")
                dialog.close()

            with ui.row():
                ui.button("Remove", color="negative", on_click=remove).props("unelevated no-caps")
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
        dialog.open()

    async def _do(self, change: Awaitable[object]) -> bool:
        """Await an account change; a refusal becomes a notice. True if it was done."""
        try:
            await change
        except AccessError as error:
            ui.notify(str(error), type="negative")
            return False
        await self.refresh()
        return True


class LocksPanel(ui.card):
    """The sign-ins locked out or slowed down now, and clearing one (the owner locked out, say)."""

    def __init__(self, access: AsyncAccess, *, by: str) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("sign-in-locks")
        self.access = access
        self.by = by
        with self:
            ui.label("Sign-in locks").classes("text-lg font-medium")
            ui.label(
                "Five wrong tries for a name from one address lock that name from there for 15 minutes; "
                "twenty from one address lock that address; a name tried from everywhere is slowed down."
            ).classes("text-sm opacity-70")
            self.table = ui.table(columns=LOCK_COLUMNS, rows=[], row_key="key").props("flat bordered")
            self.table.classes("w-full").mark("locks-table")
            self.table.add_slot("body-cell-first_at", LOCAL_TIME_CELL)
            self.table.add_slot("body-cell-clear", CLEAR_LOCK)
            self.table.on("clear", lambda e: self.clear(e.args))

    async def refresh(self) -> None:
        locks = await self.access.locks()
        self.table.rows = [
            {
                "key": f"{lock.username}|{lock.address}",
                "username": lock.username,
                "address": "everywhere" if lock.address == "*" else lock.address,
                "count": lock.count,
                "first_at": iso_utc(lock.first_at),
            }
            for lock in locks
        ]

    async def clear(self, clicked: dict) -> None:
        row = next((row for row in self.table.rows if row["key"] == clicked.get("key")), None)
        if row is None:  # cleared meanwhile (or not a row of ours)
            await self.refresh()
            return
        address = None if row["address"] == "everywhere" else row["address"]
        await self.access.unlock(row["username"], address, by=self.by)
        ui.notify(f"Cleared the sign-in lock of {row['username']}.", type="positive")
        await self.refresh()
