from datetime import UTC, datetime

from nicegui import ui


class LocalTime(ui.element, component="local_time.js"):
    """A moment in time, rendered by the browser in the viewer's local time zone."""

    def __init__(self, moment: datetime | None = None) -> None:
        super().__init__()
        self.set_moment(moment)

    @property
    def iso(self) -> str | None:
        return self.props.get("iso")

    def set_moment(self, moment: datetime | None) -> None:
        iso = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None
        if iso != self.iso:
            self.props["iso"] = iso
