"""The console's and the API's face of :class:`~services.access.Access`: the same use cases, awaitable.

Access blocks (argon2, the database), so each call here runs it on a worker thread; ``api/`` and ``ui/``
await these and never hand work to a thread themselves. The command line calls ``Access`` directly.
"""

import asyncio
from collections.abc import Iterable
from datetime import timedelta

from data.access import Attempts
from data.models import Account, Role, Scope

from .access import Access
from .principals import Principal


class AsyncAccess:
    def __init__(self, access: Access) -> None:
        self.blocking = access  # for what runs on a thread already (the CLI, timers' own threads)

    @property
    def session_length(self) -> timedelta:
        return self.blocking.session_length

    # Accounts

    async def has_accounts(self) -> bool:
        return await asyncio.to_thread(self.blocking.has_accounts)

    async def accounts(self) -> list[Account]:
        return await asyncio.to_thread(self.blocking.accounts)

    async def add_account(self, username: str, password: str, role: Role | str, *, by: str) -> Account:
        return await asyncio.to_thread(self.blocking.add_account, username, password, role, by=by)

    async def set_password(
        self, username: str, password: str, *, by: str, keep_session: int | None = None
    ) -> int:
        return await asyncio.to_thread(
            self.blocking.set_password, username, password, by=by, keep_session=keep_session
        )

    async def set_role(
        self, username: str, role: Role | str, *, by: str, keep_session: int | None = None
    ) -> int:
        return await asyncio.to_thread(
            self.blocking.set_role, username, role, by=by, keep_session=keep_session
        )

    async def remove_account(self, username: str, *, by: str) -> None:
        await asyncio.to_thread(self.blocking.remove_account, username, by=by)

    async def locks(self) -> list[Attempts]:
        return await asyncio.to_thread(self.blocking.locks)

    async def unlock(self, username: str, address: str | None = None, *, by: str) -> int:
        return await asyncio.to_thread(self.blocking.unlock, username, address, by=by)

    # Signing in and out

    async def sign_in(self, username: str, password: str, address: str) -> tuple[str, Principal]:
        """Admit the try (SignInRefused when locked or slowed down), wait for its turn without holding a
        thread, then check the password."""
        admission = await asyncio.to_thread(self.blocking.admit, username, address)
        await asyncio.sleep(admission.wait)
        return await asyncio.to_thread(self.blocking.sign_in, username, password, address)

    async def sign_out(self, cookie: str, principal: Principal, address: str) -> None:
        await asyncio.to_thread(self.blocking.sign_out, cookie, principal, address)

    async def session(self, cookie: str) -> Principal | None:
        return await asyncio.to_thread(self.blocking.session, cookie)

    async def proxy_user(self, username: str) -> Principal | None:
        return await asyncio.to_thread(self.blocking.proxy_user, username)

    # Tokens

    async def tokens(self) -> list:
        return await asyncio.to_thread(self.blocking.tokens)

    async def mint_token(self, name: str, scope: Scope | str, *, by: str) -> str:
        return await asyncio.to_thread(self.blocking.mint_token, name, scope, by=by)

    async def revoke_token(self, name: str, *, by: str) -> None:
        await asyncio.to_thread(self.blocking.revoke_token, name, by=by)

    async def token(self, value: str) -> Principal | None:
        return await asyncio.to_thread(self.blocking.token, value)

    # Whether open pages and streams still hold

    async def current(self, principal: Principal) -> Principal | None:
        return await asyncio.to_thread(self.blocking.current, principal)

    async def current_many(self, principals: Iterable[Principal]) -> dict[Principal, Principal | None]:
        return await asyncio.to_thread(self.blocking.current_many, set(principals))

    async def still_holding(self, principals: Iterable[Principal]) -> set[Principal]:
        return await asyncio.to_thread(self.blocking.still_holding, set(principals))

    async def prune(self) -> None:
        """Forget ended sessions and old sign-in counts (an hourly timer)."""
        await asyncio.to_thread(self.blocking.prune)
