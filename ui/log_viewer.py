from collections import deque

from nicegui import ui

from live import Event, Hub
from live.hub import LOG

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LEVEL_CLASSES = {"WARNING": "text-amber-600", "ERROR": "text-red-600", "CRITICAL": "text-red-700 font-bold"}


def format_line(entry: dict) -> str:
    """'21:14:03Z INFO    airdate.demo: message' (UTC, like the server's own log)."""
    return f"{entry['ts'][11:19]}Z {entry['level']:<7} {entry['logger']}: {entry['message']}"


class LogViewer(ui.card):
    """Airdate's log as it happens: new lines appended, older ones dropped past ``max_lines``."""

    def __init__(self, hub: Hub, max_lines: int = 200) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("logs")
        self.hub = hub
        self.entries: deque[dict] = deque(maxlen=max_lines)
        with self:
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Logs").classes("text-lg font-medium")
                self.level = (
                    ui.select(list(LEVELS), value="INFO", label="Level", on_change=self._render)
                    .props('dense outlined options-dense aria-label="Lowest log level shown"')
                    .classes("w-32")
                    .mark("log-level")
                )
            self.log = ui.log(max_lines=max_lines).classes("airdate-log h-72 text-xs").mark("log-lines")
        self._refill()
        ui.add_css(".airdate-log .q-scrollarea__content { white-space: pre-wrap; overflow-wrap: anywhere; }")

    @property
    def lines(self) -> list[str]:
        return [child.text for child in self.log.default_slot.children]

    def take(self, event: Event) -> None:
        if event.kind != LOG:
            return
        self.entries.append(event.payload)
        if self._shown(event.payload):
            self.log.push(format_line(event.payload), classes=LEVEL_CLASSES.get(event.payload["level"], ""))

    async def reload(self) -> None:
        self._refill()

    def _refill(self) -> None:
        self.entries.clear()
        self.entries.extend(event.payload for event in self.hub.recent(LOG, self.entries.maxlen or 200))
        self._render()

    def _render(self) -> None:
        self.log.clear()
        for entry in self.entries:
            if self._shown(entry):
                self.log.push(format_line(entry), classes=LEVEL_CLASSES.get(entry["level"], ""))

    def _shown(self, entry: dict) -> bool:
        return (
            LEVELS.index(entry["level"]) >= LEVELS.index(self.level.value)
            if entry["level"] in LEVELS
            else True
        )
