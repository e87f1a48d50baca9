"""Reading a page the way NiceGUI's simulated user sees it."""

from nicegui.testing import User


def shown(user: User, marker: str) -> str:
    """The text of the one element carrying ``marker``."""
    (element,) = user.find(marker=marker).elements
    return element.text


def refresh_choice(user: User) -> str:
    """The viewer's refresh interval as the header's picker shows it ("live", "5", … "off")."""
    (picker,) = user.find(marker="refresh").elements
    return picker.value
