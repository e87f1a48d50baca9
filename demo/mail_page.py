"""The demo's mailbox: what Airdate sent, newest first: the e-mails the local SMTP sink received, and
the messages the ``json://`` webhook sink received (the demo's second channel)."""

from collections.abc import Callable, Sequence

from nicegui import ui

from api.policy import Need, requires
from live import Event, Hub
from live.hub import NOTIFICATION
from ui import Nav, frame
from ui.frame import NavEntry

from .world import DemoWorld


def register(world: DemoWorld, hub: Hub, nav: Nav) -> None:
    nav.append(NavEntry("Mailbox", "/mailbox", "mail", admin=True))

    @ui.page("/mailbox", dependencies=[requires(Need.ADMIN)])  # addresses and what people were sent
    def mailbox() -> None:
        with frame("Mailbox", nav), ui.row().classes("w-full gap-6 items-start"):
            with ui.column().classes("flex-1 min-w-80"):
                ui.label("E-mail: what the demo's SMTP sink received").classes("font-medium")
                Received(hub, "mailbox", "No e-mails yet.", lambda start: _mails(world, start))
            with ui.column().classes("flex-1 min-w-80"):
                ui.label("Webhook (json://): what the demo's webhook sink received").classes("font-medium")
                Received(
                    hub, "webhook-inbox", "No webhook messages yet.", lambda start: _webhooks(world, start)
                )


Entry = tuple[str, str, str, str]  # title, caption, text, HTML ("" for none)


def _mails(world: DemoWorld, start: int) -> list[Entry]:
    """The e-mails received from the ``start``-th on."""
    received = world.sink.received[start:] if world.sink else []
    return [(mail.subject, f"to {', '.join(mail.recipients)}", mail.text, mail.html) for mail in received]


def _webhooks(world: DemoWorld, start: int) -> list[Entry]:
    """The webhook messages received from the ``start``-th on."""
    hits = world.webhook.hits[start:] if world.webhook else []
    return [_webhook_entry(hit.path, hit.json()) for hit in hits]


def _webhook_entry(path: str, posted: dict) -> Entry:
    """Apprise's json:// posts {"version", "title", "message", "type"}; the path names the user here."""
    return posted.get("title", ""), f"to {path.strip('/')}", posted.get("message", ""), ""


class Received(ui.column):
    """Newest first; new entries are added on top, so one being read stays open. ``entries(start)``
    gives those from the ``start``-th on, so each event renders only what is new."""

    def __init__(self, hub: Hub, mark: str, empty: str, entries: Callable[[int], Sequence[Entry]]) -> None:
        super().__init__()
        self.classes(f"w-full gap-2 {mark}").mark(mark)
        self.entries = entries
        self.shown = 0
        with self:
            self.empty = ui.label(empty).classes("text-gray-500")
        self.render()
        stop = hub.listen(self._on_event)
        ui.context.client.on_delete(stop)

    def render(self) -> None:
        new = self.entries(self.shown)
        for title, caption, text, html in new:
            with self, ui.expansion(title, caption=caption).classes("w-full border rounded") as item:
                if html:  # its own document, scripts off (as the console's e-mail preview)
                    frame = ui.element("iframe").classes("w-full h-96 bg-white rounded")
                    frame.props.update(sandbox="", srcdoc=html, title="The e-mail as HTML")
                ui.label(text).classes("whitespace-pre-wrap text-sm")
            item.move(target_index=0)
        self.shown += len(new)
        self.empty.set_visibility(not self.shown)

    def _on_event(self, event: Event) -> None:
        if event.kind == NOTIFICATION and event.payload.status == "sent":
            self.render()
