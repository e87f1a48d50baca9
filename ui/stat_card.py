from datetime import datetime

from nicegui import ui

from .charts import set_points, sparkline


class StatCard(ui.card):
    """One number on the dashboard: its name, the value, a sparkline of the last hour and % vs 1 h ago."""

    def __init__(self, title: str, icon: str, key: str) -> None:
        super().__init__()
        self.classes("w-full h-full gap-1 p-4 justify-between").props(f'role=group aria-label="{title}"')
        with self, ui.row().classes("items-start gap-2 text-gray-500 flex-nowrap w-full"):
            ui.icon(icon).classes("text-xl shrink-0")
            ui.label(title).classes("text-sm font-medium leading-5")
        with self:
            with ui.row().classes("items-baseline gap-2 w-full flex-nowrap"):
                self.value = ui.label("—").classes("text-3xl font-bold tabular-nums").mark(f"stat-{key}")
                self.change = ui.label("").classes("text-xs tabular-nums").mark(f"change-{key}")
            self.spark = sparkline()

    def show(self, number: int, points: list[tuple[datetime, int]], change: float | None) -> None:
        self.value.set_text(f"{number:,}")
        set_points(self.spark, 0, points)
        if change is None:
            self.change.set_text("")
            return
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        self.change.set_text(f"{arrow} {abs(change):.0f}% vs 1 h ago")
        tone = "text-green-600" if change > 0 else "text-red-600" if change < 0 else "text-gray-500"
        self.change.classes(replace=f"text-xs tabular-nums {tone}")
