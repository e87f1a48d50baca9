from collections.abc import Iterator

import pytest

from services import posters
from standins.image_host import ImageHost
from standins.smtp import Sink, start_sink


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server (aiosmtpd) in this process, and its port."""
    sink, controller = start_sink()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def images() -> Iterator[ImageHost]:
    """The image host stand-in, with no poster kept from an earlier test."""
    posters.forget()
    with ImageHost() as host:
        yield host
    posters.forget()
