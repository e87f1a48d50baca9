from datetime import datetime
from typing import Literal

from nicegui import ui

from data.clock import iso_utc


class TimeText(ui.element, component="time_text.js", dependencies=["relative_time.js"]):
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
            moment = iso_utc(moment)
        if moment != self.iso:
            self.props["iso"] = moment
