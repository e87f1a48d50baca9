from datetime import datetime
from typing import Literal

from nicegui import ui

from data.clock import iso_utc


class TimeText(ui.element, component="time_text.js", dependencies=["draw_soon.js", "relative_time.js"]):
    """A moment rendered by the browser in the viewer's time zone: local time, or "2 minutes ago".

    Once the page is connected a new moment is sent as a call (``show``), not as a prop: NiceGUI
    redraws a changed element's parent with all its children (the whole header, for the dashboard's
    "Last sync"), where the call changes one text."""

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
        if moment == self.iso:
            return
        if not self.client.has_socket_connection:  # not shown yet: the page (or its first update) has it
            self.props["iso"] = moment
            return
        with self.props.suspend_updates():  # for a page drawn anew
            self.props["iso"] = moment
        self.run_method("show", moment)
