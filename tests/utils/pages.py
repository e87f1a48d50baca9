"""Reading a page the way NiceGUI's simulated user sees it."""

from nicegui.testing import User

from .waiting import eventually


async def open_dashboard(user: User) -> None:
    """Open ``/`` and wait for its content, which is built once the (simulated) browser has connected."""
    await user.open("/")
    await eventually(lambda: _has(user, "stat-cards"), what="the dashboard's content")


def _has(user: User, marker: str) -> bool:
    try:
        return bool(user.find(marker=marker).elements)
    except AssertionError:  # (what ``find`` says when nothing matches)
        return False


def shown(user: User, marker: str) -> str:
    """The text of the one element carrying ``marker``."""
    (element,) = user.find(marker=marker).elements
    return element.text


def refresh_choice(user: User) -> str:
    """The viewer's refresh interval as the header's picker shows it ("live", "5", … "off")."""
    (picker,) = user.find(marker="refresh").elements
    return picker.value


def stat(user: User, key: str) -> int | None:
    """The number a stat card shows this viewer (``users``, ``requests``, ``sent``, ``pending``…)."""
    (grid,) = user.find(marker="stat-cards").elements
    return grid.value(key)


def tiles(user: User) -> dict:
    """Everything the stat cards were last sent: values, changes and sparkline points, by Stats field."""
    (grid,) = user.find(marker="stat-cards").elements
    return grid.props["payload"]
