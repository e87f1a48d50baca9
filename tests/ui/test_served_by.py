"""The footer of every console page names the replica that built it."""

import pytest
from nicegui.testing import User

from settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.replica.name = "airdate3"
    return settings


@pytest.mark.parametrize("path", ["/", "/users"])
async def test_the_footer_names_the_replica(user: User, path: str) -> None:
    await user.open(path)
    await user.should_see("served by airdate3", marker="served-by")
