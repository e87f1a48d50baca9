from collections.abc import Iterator

import pytest

from standins.smtp import Sink, start_sink


@pytest.fixture
def mail_server() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server (aiosmtpd) in this process, and its port."""
    sink, controller = start_sink()
    yield sink, controller.port
    controller.stop()
