from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

PRODUCT = "Airdate"


@contextmanager
def frame(page_title: str) -> Iterator[ui.row]:
    """The header every page shares; yields the header's right-hand row for page-specific controls."""
    ui.page_title(f"{page_title} · {PRODUCT}")
    ui.colors(primary="#4f46e5")
    with ui.header().classes("items-center justify-between px-4 py-2 gap-2 flex-wrap"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("live_tv").classes("text-2xl")
            ui.label(PRODUCT).classes("text-xl font-bold").mark("product-name")
        tools = ui.row().classes("items-center gap-3 flex-wrap")
    with ui.column().classes("w-full max-w-screen-2xl mx-auto p-4 gap-4"):
        yield tools
