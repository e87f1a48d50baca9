from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, ui

PRODUCT = "Airdate"
Nav = list[tuple[str, str, str]]  # (title, path, icon) of every page in the menu
PAGES = (
    ("Dashboard", "/", "dashboard"),
    ("Users", "/users", "group"),
    ("Requests", "/requests", "playlist_add"),
    ("Episodes", "/episodes", "movie"),
)


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
    ui.page_title(f"{page_title} · {PRODUCT}")
    ui.colors(primary="#4f46e5")
    ui.add_css(RECONNECT_BANNER_CSS)
    ui.add_body_html(RECONNECT_BANNER_ROLE)
    theme = app.storage.user.get("theme", "auto")
    dark = ui.dark_mode(THEME_VALUES.get(theme))
    with ui.left_drawer(value=False).props("bordered") as drawer, ui.list().classes("w-full"):
        for title, path, icon in nav:
            item = ui.item(on_click=lambda path=path: ui.navigate.to(path)).mark(f"nav-{title.lower()}")
            with item.props(f'clickable {"active" if title == page_title else ""} aria-label="{title}"'):
                with ui.item_section().props("avatar"):
                    ui.icon(icon)
                ui.item_section(title)
    with drawer, ui.column().classes("w-full px-4 py-2"):

        def choose_theme(value: str) -> None:
            app.storage.user["theme"] = value
            dark.set_value(THEME_VALUES[value])

        ui.select(THEMES, value=theme, label="Theme", on_change=lambda e: choose_theme(e.value)).props(
            'outlined dense options-dense aria-label="Theme"'
        ).classes("w-full").mark("theme")
    with ui.header().classes("items-center justify-between px-4 py-2 gap-2 flex-wrap"):
        with ui.row().classes("items-center gap-2"):
            ui.button(icon="menu", on_click=drawer.toggle).props(
                'flat round dense color=white aria-label="Menu"'
            ).mark("menu")
            ui.label(PRODUCT).classes("text-xl font-bold").mark("product-name")
            ui.label(f"· {page_title}").classes("text-lg opacity-80 max-sm:hidden")
        tools = ui.row().classes("items-center gap-3 flex-wrap")
    with ui.column().classes("w-full max-w-screen-2xl mx-auto p-4 gap-4"):
        yield tools
