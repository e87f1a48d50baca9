"""The admin's page for one user's notifications: preferences, e-mail, Apprise channels, a test message.

Admins only. Reached from each row of the Users listing ("Notifications").
"""

from nicegui import ui

from api.policy import Need, requires
from data.preferences import ChannelView
from services.notifier import Notifier, TestResult
from services.preferences import NotFound, UserSettings

from .frame import Nav, frame
from .preferences_form import PreferencesForm, skipped_note
from .principal import principal_of


def register(users: UserSettings, notifier: Notifier, nav: Nav) -> None:
    @ui.page("/users/{user_id}", dependencies=[requires(Need.ADMIN)])
    async def user_page(user_id: str) -> None:
        principal = principal_of(ui.context.client)
        acting = principal.who if principal is not None else "?"  # for the audit lines
        with frame("User", nav):
            settings = None
            if user_id.isdigit():
                try:
                    settings = await users.read(int(user_id))
                except NotFound:
                    settings = None
            if settings is None:
                with ui.column().classes("gap-2").mark("no-such-user"):
                    ui.label(f"There is no user {user_id}.").classes("text-lg")
                    ui.link("Back to the users", "/users")
                return
            ui.label(f"Notifications for {settings.username}").classes("text-xl font-medium").mark(
                "user-heading"
            )
            if settings.removed:
                ui.label("Removed from Jellyseerr: nothing is sent to this user.").classes(
                    "text-sm opacity-70"
                ).mark("user-removed")
            with ui.card().classes("w-full max-w-3xl"):
                PreferencesForm(users, settings, by=acting, email=True)
            with ui.card().classes("w-full max-w-3xl"):
                ChannelsPanel(users, notifier, settings.user_id, settings.channels, by=acting)
            with ui.card().classes("w-full max-w-3xl"):
                LinksPanel(notifier, settings.user_id, settings.username, by=acting)


class LinksPanel(ui.column):
    """Revoke the manage and unsubscribe links in the messages sent so far (a forwarded e-mail)."""

    def __init__(self, notifier: Notifier, user_id: int, username: str, *, by: str) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("user-links")
        self.notifier, self.user_id, self.username, self.by = notifier, user_id, username, by
        with self:
            ui.label("Links in messages").classes("text-lg font-medium")
            ui.label(
                "Each message has a link to manage these settings and one to unsubscribe; anyone holding "
                "one (a forwarded e-mail) can use it. Replacing them makes every link sent so far stop "
                "working; the next message has new ones."
            ).classes("text-sm opacity-70")
            ui.button("Replace the links", icon="link_off", on_click=self.confirm).props("outline no-caps")

    def confirm(self) -> None:
        with ui.dialog() as dialog, ui.card().classes("gap-2"):
            ui.label(f"Replace the links sent to {self.username}? Those sent so far stop working.")
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
                ui.button("Replace", on_click=lambda: self.rotate(dialog)).props("unelevated no-caps")
        dialog.open()

    async def rotate(self, dialog: ui.dialog) -> None:
        dialog.close()
        try:
            await self.notifier.rotate_links(self.user_id, by=self.by)
        except LookupError:
            ui.notify(f"There is no user {self.user_id} any more.", type="warning")
            return
        ui.notify(f"The links sent to {self.username} so far no longer work.", type="positive")


class ChannelsPanel(ui.column):
    """The user's Apprise channels (masked), adding and removing one, and a test message to all."""

    def __init__(
        self, users: UserSettings, notifier: Notifier, user_id: int, current: list[ChannelView], *, by: str
    ) -> None:
        super().__init__()
        self.classes("w-full gap-3").mark("channels")
        self.users = users
        self.by = by  # who acts, for the audit lines
        self.notifier = notifier
        self.user_id = user_id
        self.current = current
        with self:
            ui.label("Other channels (Apprise)").classes("text-base font-medium")
            self.rows = ui.column().classes("w-full gap-1").mark("channel-list")
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                self.url = (
                    ui.input(placeholder="e.g. ntfys://ntfy.sh/my-topic or discord://id/token")
                    .props('outlined dense clearable aria-label="Apprise URL"')
                    .classes("grow")
                    .mark("channel-url")
                )
                self.url.on("keydown.enter", self.add)
                ui.button("Add channel", icon="add", on_click=self.add).props("no-caps").mark("add-channel")
            with ui.row().classes("items-center gap-2"):
                self.test_button = (
                    ui.button("Send test notification", icon="send", on_click=self.test)
                    .props("no-caps outline")
                    .mark("send-test")
                )
            self.results = ui.column().classes("w-full gap-1").mark("test-results")
        self.show_rows()

    def show_rows(self) -> None:
        self.rows.clear()
        with self.rows:
            if not self.current:
                ui.label("None yet: only e-mail.").classes("text-sm opacity-70").mark("no-channels")
            for channel in self.current:
                with ui.row().classes("w-full items-center gap-2 no-wrap").mark("channel-row"):
                    ui.label(channel.label).classes("font-mono text-sm grow break-all")
                    ui.button("Remove", icon="delete", on_click=lambda _, c=channel: self.remove(c)).props(
                        f'flat dense no-caps color=negative aria-label="Remove {channel.label}"'
                    )

    async def reload(self) -> None:
        settings = await self.users.read(self.user_id)
        self.current = settings.channels
        self.show_rows()

    async def add(self) -> None:
        url = (self.url.value or "").strip()
        if not url:
            ui.notify("Paste an Apprise URL first", type="warning")
            return
        try:
            _, label = await self.users.add_channel(self.user_id, url, by=self.by)
        except (ValueError, NotFound) as error:  # a URL Apprise cannot use; the user went away
            ui.notify(str(error), type="warning")
            return
        self.url.value = ""
        ui.notify(f"Channel added: {label}", type="positive")
        await self.reload()

    async def remove(self, channel: ChannelView) -> None:
        try:
            skipped = await self.users.remove_channel(self.user_id, channel.id, by=self.by)
        except NotFound as error:
            ui.notify(str(error), type="warning")
        else:
            ui.notify(f"Channel removed: {channel.label}{skipped_note(skipped)}", type="positive")
        await self.reload()

    async def test(self) -> None:
        self.test_button.disable()
        self.results.clear()
        with self.results:
            ui.label("Sending…").classes("text-sm opacity-70")
        try:
            results = await self.notifier.test(self.user_id)
        except LookupError as error:
            results, missing = [], str(error)
        else:
            missing = "" if results else "No channel to send to: e-mail is off and there are no others."
        finally:
            self.test_button.enable()
        self.results.clear()
        with self.results:
            if missing:
                ui.label(missing).classes("text-sm").mark("test-nothing")
            for result in results:
                result_row(result)


def result_row(result: TestResult) -> None:
    colour = "text-green-700" if result.ok else "text-red-700"
    with ui.row().classes("w-full items-center gap-2 no-wrap").props('role="status"').mark("test-result"):
        ui.icon("check_circle" if result.ok else "error").classes(colour)
        ui.label(result.channel).classes("font-mono text-sm")
        ui.label("ok" if result.ok else f"failed: {result.error}").classes(f"text-sm {colour}")
