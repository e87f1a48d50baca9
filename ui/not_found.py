"""A 404 that a person can leave: the console's own header and menu, and a way back to the dashboard.

Programs (API, SSE, webhook and metrics paths, or clients that do not ask for HTML) get JSON.
"""

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from nicegui import app, ui
from nicegui.client import Client
from nicegui.page import page
from starlette.exceptions import HTTPException

from api.pages import asks_for_page

from .frame import Nav, frame


def register(nav: Nav) -> None:
    async def not_found(request: Request, exception: Exception) -> Response:
        page_asked = asks_for_page(request.scope)
        is_page_route = bool(request.scope.get("nicegui_page_path")) or request.scope.get("endpoint") is None
        if not isinstance(exception, HTTPException):
            exception = HTTPException(404)
        if not page_asked or not is_page_route:
            return await http_exception_handler(request, exception)
        with Client(page(""), request=request) as client, frame("Not found", nav):
            explain(request.url.path)
        return client.build_response(request, 404)

    app.add_exception_handler(404, not_found)


def explain(path: str) -> None:
    with ui.column().classes("w-full items-center gap-4 py-16").mark("not-found"):
        ui.icon("explore_off").classes("text-6xl text-gray-400")
        ui.label("There is no page here.").classes("text-2xl")
        ui.label(path).classes("text-gray-500 font-mono")
        ui.link("Back to the dashboard", "/").classes("text-lg")
