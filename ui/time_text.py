from datetime import UTC, datetime
from typing import Literal

from nicegui import ui


class TimeText(ui.element, component="time_text.js"):
    """A moment rendered by the browser in the viewer's time zone: local time, or "2 minutes ago"."""

    def __init__(
        self, moment: datetime | None = None, *, mode: Literal["local", "relative"] = "local"
    ) -> None:
        super().__init__()
        self.props["mode"] = mode
        self.set_moment(moment)

    @property
    def iso(self) -> str | None:
        return self.props.get("iso")

    def set_moment(self, moment: datetime | str | None) -> None:
        if isinstance(moment, datetime):
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        if moment != self.iso:
            self.props["iso"] = moment
