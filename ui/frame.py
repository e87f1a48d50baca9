"""The header, menu and banners every console page shares."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from nicegui import app, ui

from services.principals import Credential, Principal

from .principal import principal_of

PRODUCT = "Airdate"


class NavEntry(NamedTuple):
    title: str
    path: str
    icon: str
    admin: bool = False  # shown to admins only


Nav = list[NavEntry]  # every page in the menu; plug-ins may add theirs
PAGES = (
    NavEntry("Dashboard", "/", "dashboard"),
    NavEntry("Users", "/users", "group"),
    NavEntry("Requests", "/requests", "playlist_add"),
    NavEntry("Episodes", "/episodes", "movie"),
    NavEntry("Shows", "/shows", "tv"),
    NavEntry("Upcoming", "/upcoming", "event"),
    NavEntry("Messages", "/messages", "edit_note", admin=True),
    NavEntry("Accounts", "/accounts", "manage_accounts", admin=True),
    NavEntry("Access tokens", "/tokens", "key", admin=True),
)
OPEN_CONSOLE = (
    "No accounts — anyone on this machine can use the console. "
    "Add one to require signing in: python main.py accounts add NAME --role admin"
)


_REPLICA = {"name": ""}  # the replica this process is (create_app names it): one app per process


def serve_as(replica: str) -> None:
    """Name the replica that serves this process's pages (their footer says so)."""
    _REPLICA["name"] = replica


THEMES = {"auto": "Auto", "dark": "Dark", "light": "Light"}
THEME_VALUES = {"auto": None, "dark": True, "light": False}  # for ui.dark_mode
# NiceGUI's own "connection lost" notice, shown while the websocket is down, as a banner at the top.
RECONNECT_BANNER_CSS = """
#popup.nicegui-error-popup {
  top: 0; bottom: auto; left: 0; right: 0; margin: 0; padding: 0.5em 1em; border-radius: 0;
  flex-direction: row; justify-content: center; gap: 0.5em; font-weight: 500;
  background-color: #fef3c7; color: #78350f;
}
"""
RECONNECT_BANNER_ROLE = """<script>
window.addEventListener("DOMContentLoaded",
  () => document.getElementById("popup")?.setAttribute("role", "alert"));
</script>"""


@contextmanager
def frame(page_title: str, nav: Nav) -> Iterator[ui.row]:
    """The header and navigation every page shares; yields the header's row for page controls."""
    principal = principal_of(ui.context.client)
    ui.page_title(f"{page_title} · {PRODUCT}")
    ui.colors(primary="#4f46e5")
    ui.add_css(RECONNECT_BANNER_CSS)
    ui.add_body_html(RECONNECT_BANNER_ROLE)
    drawer = _menu(page_title, nav, principal)
    with ui.header().classes("items-center justify-between px-4 py-2 gap-2 flex-wrap"):
        with ui.row().classes("items-center gap-2"):
            ui.button(icon="menu", on_click=drawer.toggle).props(
                'flat round dense color=white aria-label="Menu"'
            ).mark("menu")
            ui.label(PRODUCT).classes("text-xl font-bold").mark("product-name")
            ui.label(f"· {page_title}").classes("text-lg opacity-80 max-sm:hidden")
        tools = ui.row().classes("items-center gap-3 flex-wrap")
        if principal is not None and principal.kind != Credential.LOCAL:
            ui.label(f"signed in as {principal.describe()}").classes("text-sm opacity-90").mark(
                "signed-in-as"
            )
    with ui.column().classes("w-full max-w-screen-2xl mx-auto p-4 gap-4"):
        if principal is not None and principal.kind == Credential.LOCAL:
            ui.label(OPEN_CONSOLE).props('role="status"').classes(
                "w-full rounded px-4 py-2 bg-sky-100 text-sky-900"
            ).mark("open-console-banner")
        yield tools
        if _REPLICA["name"]:
            ui.label(f"served by {_REPLICA['name']}").classes("w-full text-xs opacity-60 text-right").mark(
                "served-by"
            )


def _menu(page_title: str, nav: Nav, principal: Principal | None) -> ui.left_drawer:
    """The drawer, closed until the menu button (a server round trip) opens it. Its entries are built
    when the browser connects: a page that never does (a crawler, a health check) holds none of them
    (~45 of the frame's ~60 elements, ~200 KiB; ``python -m bench.viewers.probe``)."""
    theme = app.storage.user.get("theme", "auto")
    dark = ui.dark_mode(THEME_VALUES.get(theme))  # (with the page: no flash of the wrong theme)
    drawer = ui.left_drawer(value=False).props("bordered")
    built = False

    def build() -> None:
        nonlocal built
        if built:  # (a socket that reconnects)
            return
        built = True
        with drawer:
            _entries(page_title, nav, principal)
            with ui.column().classes("w-full px-4 py-2 gap-4"):
                _theme_choice(theme, dark)
                if principal is not None and principal.kind == Credential.ACCOUNT:
                    with ui.element("form").props('method="post" action="/logout"').classes("w-full"):
                        ui.button("Sign out", icon="logout").props("type=submit flat no-caps").classes(
                            "w-full"
                        ).mark("sign-out")

    ui.context.client.on_connect(build)
    return drawer


def _entries(page_title: str, nav: Nav, principal: Principal | None) -> None:
    is_admin = principal is not None and principal.is_admin
    with ui.list().classes("w-full"):
        for entry in nav:
            if entry.admin and not is_admin:
                continue
            item = ui.item(on_click=lambda path=entry.path: ui.navigate.to(path)).mark(
                f"nav-{entry.path.strip('/') or 'dashboard'}"
            )
            active = "active" if entry.title == page_title else ""
            with item.props(f'clickable {active} aria-label="{entry.title}"'):
                with ui.item_section().props("avatar"):
                    ui.icon(entry.icon)
                ui.item_section(entry.title)


def _theme_choice(theme: str, dark: ui.dark_mode) -> None:
    def choose_theme(value: str) -> None:
        app.storage.user["theme"] = value
        dark.set_value(THEME_VALUES[value])

    ui.select(THEMES, value=theme, label="Theme", on_change=lambda e: choose_theme(e.value)).props(
        'outlined dense options-dense aria-label="Theme"'
    ).classes("w-full").mark("theme")
