from collections import deque

from nicegui import ui

from live import Event, Hub
from live.hub import LOG

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class LogLines(ui.element, component="log_lines.js", dependencies=["draw_soon.js", "relative_time.js"]):
    """The lines themselves, rendered by the browser (in the viewer's time zone and locale)."""

    def __init__(self, entries: list[dict], max_lines: int) -> None:
        super().__init__()
        self.props["entries"] = entries
        self.props["max-lines"] = max_lines

    def add(self, entry: dict) -> None:
        self.run_method("add", entry)

    def replace(self, entries: list[dict]) -> None:
        with self.props.suspend_updates():  # for a page rendered anew; sent below, not as a prop
            self.props["entries"] = entries
        self.run_method("replace", entries)


class LogViewer(ui.card):
    """Airdate's log as it happens: new lines appended, older ones dropped past ``max_lines``."""

    def __init__(self, hub: Hub, max_lines: int = 200) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("logs")
        self.hub = hub
        self.entries: deque[dict] = deque(self._remembered(max_lines), maxlen=max_lines)
        with self:
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Logs").classes("text-lg font-medium")
                self.level = (
                    ui.select(list(LEVELS), value="INFO", label="Level", on_change=self._filter)
                    .props('dense outlined options-dense aria-label="Lowest log level shown"')
                    .classes("w-32")
                    .mark("log-level")
                )
            self.view = (
                LogLines(list(self.entries), max_lines)
                .classes("h-72 text-xs")
                .style("contain: content")  # a new line lays out and paints this box only, not the page
                .mark("log-lines")
            )
        self._filter()

    @property
    def lines(self) -> list[str]:
        """What the viewer sees, minus the time (which the browser renders): 'LEVEL   logger: message'."""
        return [f"{e['level']:<7} {e['logger']}: {e['message']}" for e in self.entries if self._shown(e)]

    def take(self, event: Event) -> None:
        if event.kind == LOG:
            self.entries.append(event.payload)
            self.view.add(event.payload)

    async def reload(self) -> None:
        self.entries.clear()
        self.entries.extend(self._remembered(self.entries.maxlen or 200))
        self.view.replace(list(self.entries))

    def _remembered(self, limit: int) -> list[dict]:
        return [event.payload for event in self.hub.recent(LOG, limit)]

    def _filter(self) -> None:
        self.view.props["min-level"] = self.level.value
        self.view.update()

    def _shown(self, entry: dict) -> bool:
        level = entry["level"]
        return level not in LEVELS or LEVELS.index(level) >= LEVELS.index(self.level.value)
