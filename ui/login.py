"""Signing in and out: ``/login`` (a page with a plain HTML form) and the form posts it makes.

The form posts to ``POST /login`` as a browser form, not over the websocket, so that the answer can
set the session cookie (HttpOnly: page scripts never see it) and carry a real status: 401 for a wrong
name or password (the same answer for names that do not exist), 429 while locked out.
"""

from fastapi import Form, Request, Response
from fastapi.responses import RedirectResponse
from nicegui import app, ui
from nicegui.client import Client
from nicegui.page import page
from starlette.datastructures import Headers

from api.guard import same_origin
from api.identities import SESSION_COOKIE, Identities
from api.policy import Need, requires
from services.async_access import AsyncAccess
from services.principals import Credential, SignInRefused

from .principal import principal_of


def register(access: AsyncAccess, identities: Identities) -> None:
    the_form = requires(Need.OPEN, why="the sign-in form", identify=True)
    sign_out = requires(Need.OPEN, why="ends the caller's own session", identify=True)

    @ui.page("/login", title="Sign in · Airdate", dependencies=[the_form])
    async def login_page(request: Request, next: str = "/", ended: str = "") -> None:
        principal = principal_of(ui.context.client)
        if principal is not None and principal.kind == Credential.ACCOUNT:
            ui.navigate.to(safe_next(next))
            return
        has_accounts = await access.has_accounts()
        notice = ENDED if ended else None
        sign_in_form(next, notice=notice if has_accounts else NO_ACCOUNTS)

    @app.post("/login", include_in_schema=False, dependencies=[the_form])
    async def sign_in(
        request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")
    ) -> Response:
        if not same_origin(Headers(scope=request.scope), allow_missing=True):
            return login_response(request, "This sign-in came from another site and was refused.", next, 403)
        address = request.client.host if request.client else "?"
        try:
            cookie, _ = await access.sign_in(username, password, address)
        except SignInRefused as refused:
            shown = username if len(username) <= MAX_NAME else ""
            return login_response(request, str(refused), next, 429 if refused.locked else 401, shown)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=int(access.session_length.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    @app.post("/logout", include_in_schema=False, dependencies=[sign_out])
    async def sign_out(request: Request) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE)
        principal = request.state.principal
        if cookie and principal is not None and principal.kind == Credential.ACCOUNT:
            address = request.client.host if request.client else "?"
            await access.sign_out(cookie, principal, address)
            identities.forget()
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
        return response


ENDED = "Your session ended (signed out, changed or removed elsewhere): sign in again."
MAX_NAME = 64  # no account has a longer name (services.accounts.NAME)

NO_ACCOUNTS = (
    "No account exists yet. Add the first admin on the server: python main.py accounts add NAME --role admin"
)


def safe_next(target: str) -> str:
    """Only a path on this server, as a browser will read it: no open redirect.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so ``/%09/evil.example``
    and ``/%5Cevil.example`` are ``//evil.example`` to them, another site. A target with a control
    character or a backslash anywhere, or one that is not a plain path, goes to the dashboard instead."""
    if not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return "/"
    return target


def login_response(request: Request, notice: str, next: str, status: int, username: str = "") -> Response:
    """The sign-in page again, with what went wrong, answering ``status``."""
    with Client(page(""), request=request) as client:
        ui.page_title("Sign in · Airdate")
        sign_in_form(next, notice=notice, username=username)
    return client.build_response(request, status)


def sign_in_form(next: str, *, notice: str | None = None, username: str = "") -> None:
    ui.colors(primary="#4f46e5")
    with ui.column().classes("absolute-center w-full max-w-sm p-4 gap-4"):
        ui.label("Airdate").classes("text-3xl font-bold text-primary")
        ui.label("Sign in to the console").classes("text-lg")
        if notice:
            ui.label(notice).props('role="alert"').classes(
                "w-full rounded px-4 py-2 bg-amber-100 text-amber-900"
            ).mark("login-notice")
        with ui.element("form").props('method="post" action="/login"').classes("w-full column gap-3"):
            ui.input("User name", value=username).props(
                'name=username autocomplete=username outlined autofocus aria-label="User name"'
            ).classes("w-full")
            ui.input("Password", password=True).props(
                'name=password autocomplete=current-password outlined aria-label="Password"'
            ).classes("w-full")
            ui.element("input").props.update(type="hidden", name="next", value=safe_next(next))
            ui.button("Sign in").props("type=submit unelevated no-caps").classes("w-full")
