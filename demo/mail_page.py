"""The demo's mailbox: every e-mail Airdate sent to the local SMTP sink, newest first."""

from nicegui import ui

from live import Event, Hub
from live.hub import NOTIFICATION
from ui import Nav, frame
from ui.frame import NavEntry

from .world import DemoWorld


def register(world: DemoWorld, hub: Hub, nav: Nav) -> None:
    nav.append(NavEntry("Mailbox", "/mailbox", "mail", admin=True))

    @ui.page("/mailbox")
    def mailbox() -> None:
        with frame("Mailbox", nav):
            ui.label("E-mails the demo's SMTP sink received from Airdate.").classes("text-gray-500")
            ReceivedMails(world, hub)


class ReceivedMails(ui.column):
    """Newest first; new mails are added on top, so a mail being read stays open."""

    def __init__(self, world: DemoWorld, hub: Hub) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("mailbox")
        self.world = world
        self.shown = 0
        with self:
            self.empty = ui.label("No e-mails yet.").classes("text-gray-500")
        self.render()
        stop = hub.listen(self._on_event)
        ui.context.client.on_delete(stop)

    def render(self) -> None:
        received = list(self.world.sink.received) if self.world.sink else []
        for mail in received[self.shown :]:
            with self:
                caption = f"to {', '.join(mail.recipients)}"
                with ui.expansion(mail.subject, caption=caption).classes("w-full border rounded") as item:
                    ui.label(mail.text).classes("whitespace-pre-wrap text-sm")
            item.move(target_index=0)
        self.shown = len(received)
        self.empty.set_visibility(not received)

    def _on_event(self, event: Event) -> None:
        if event.kind == NOTIFICATION and event.payload.status == "sent":
            self.render()
