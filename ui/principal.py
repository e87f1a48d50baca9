"""Who is looking at a page: the principal the request guard found when the page was loaded."""

from nicegui.client import Client

from services.principals import Principal


def principal_of(client: Client) -> Principal | None:
    request = client.request
    return getattr(request.state, "principal", None) if request is not None else None
