from nicegui import ui


class StatCard(ui.card):
    """One number on the dashboard, with its name and an icon."""

    def __init__(self, title: str, icon: str, key: str) -> None:
        super().__init__()
        self.classes("w-full h-full gap-1 p-4 justify-between").props(f'role=group aria-label="{title}"')
        with self, ui.row().classes("items-start gap-2 text-gray-500 flex-nowrap w-full"):
            ui.icon(icon).classes("text-xl shrink-0")
            ui.label(title).classes("text-sm font-medium leading-5")
        with self:
            self.value = ui.label("—").classes("text-3xl font-bold tabular-nums").mark(f"stat-{key}")

    def show(self, number: int) -> None:
        self.value.set_text(f"{number:,}")
