"""A local SMTP sink (aiosmtpd): keeps every mail it accepts, so the demo and the tests can read them."""

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from .net import free_port


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Sink:
    """Accepts every mail. ``before_accept`` may delay or refuse (raise) before the 250 reply;
    ``after_accept`` runs once a mail is stored, before the reply reaches the sender."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.before_accept: Callable[[], None] | None = None
        self.after_accept: Callable[[Received], None] | None = None
        self.refuse_with: str | None = None  # e.g. "451 Try again later": refuse every mail
        self.unknown_recipients: set[str] = set()  # refused at RCPT TO, in Postfix's words
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.unknown_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.before_accept is not None:
            await asyncio.to_thread(self.before_accept)
        if self.refuse_with is not None:
            return self.refuse_with
        mail = Received(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            message_from_bytes(envelope.content, policy=policy.default),
        )
        with self._lock:
            self.received.append(mail)
        if self.after_accept is not None:
            self.after_accept(mail)
        return "250 Message accepted for delivery"


def start_sink(port: int = 0) -> tuple[Sink, Controller]:
    """Run a sink on 127.0.0.1 (a free port when ``port`` is 0) in its own thread."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return sink, controller
