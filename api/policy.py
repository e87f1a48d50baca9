"""Which routes need what, declared where each route is.

Every route and page Airdate defines carries its rule as a dependency::

    @router.get("/api/stats", dependencies=[requires(Need.VIEWER, tokens=True)])
    @ui.page("/accounts", dependencies=[requires(Need.ADMIN)])

and :meth:`AccessPolicy.adopt` builds the table the request guard reads by walking the app's routes at
start-up. A route without a rule stops the start (:class:`MissingRule`): deny-by-default is a property
of the code, not of a list someone must remember. Routes Airdate does not define (NiceGUI's scripts and
websocket, a plug-in's mount) get theirs with :meth:`AccessPolicy.allow`, by path prefix. A path no
route answers needs an admin.

As a dependency, the rule also hands the route the principal the guard found (:func:`current_principal`).
"""

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsMarker
from starlette.routing import BaseRoute

from services.principals import Principal


class Need(Enum):
    OPEN = "open"  # no credentials (the route may have its own, like the webhook's secret)
    VIEWER = "viewer"  # any signed-in account, a read or admin token
    ADMIN = "admin"  # an admin account or an admin token
    SIGNED = "signed"  # a link Airdate signed for one user (services.links), the last part of the path


@dataclass(frozen=True)
class Rule:
    need: Need
    tokens: bool = False  # whether an API token may be used (programs); pages want a signed-in browser
    why: str = ""  # for an open route: what protects it instead
    identify: bool = True  # look up who is asking (an open route need not: no database read for it)

    def describe(self) -> str:
        if self.need == Need.OPEN:
            return f"open ({self.why})" if self.why else "open"
        if self.need == Need.SIGNED:
            return "a link Airdate signed for one user (no account)"
        if self.need == Need.VIEWER:
            return "any signed-in account, or any token" if self.tokens else "any signed-in account"
        return "a signed-in admin, or an admin token" if self.tokens else "a signed-in admin"


CLOSED = Rule(Need.ADMIN)


class MissingRule(RuntimeError):
    """A route without ``requires(...)``: the server refuses to start rather than guess."""


class Requirement:
    """The dependency ``requires`` returns: the rule for the policy, the principal for the route."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    async def __call__(self, request: Request) -> Principal | None:
        return await current_principal(request)


def requires(
    need: Need, *, tokens: bool = False, why: str = "", identify: bool | None = None
) -> DependsMarker:
    """The access rule of the route it is given to (``dependencies=[requires(...)]``).

    Open and signed-link routes do not look up who is asking unless ``identify`` says so."""
    anonymous = need in (Need.OPEN, Need.SIGNED)
    return Depends(Requirement(Rule(need, tokens, why, not anonymous if identify is None else identify)))


async def current_principal(request: Request) -> Principal | None:
    """Who the guard found behind the request (None: nobody, on an open route)."""
    return getattr(request.state, "principal", None)


Caller = Annotated[Principal | None, Depends(current_principal)]  # a route's parameter: who is asking


def who(caller: Principal | None) -> str:
    """The caller as audit lines and "started by" name them."""
    return caller.who if caller is not None else "someone"


class AccessPolicy:
    def __init__(self) -> None:
        self._exact: dict[str, Rule] = {}
        self._patterns: list[tuple[re.Pattern[str], str, Rule]] = []
        self._prefixes: list[tuple[str, Rule]] = []
        self.rule_for = lru_cache(maxsize=4096)(self._find)

    def allow(
        self, prefix: str, need: Need, *, tokens: bool = False, why: str = "", identify: bool | None = None
    ) -> None:
        """A rule for routes Airdate does not define itself: everything below ``prefix`` (``/a/``)."""
        if not prefix.endswith("/"):
            raise ValueError(f"{prefix}: allow() is for the prefix of someone else's routes")
        self._prefixes.append(
            (prefix, requires(need, tokens=tokens, why=why, identify=identify).dependency.rule)
        )
        self._prefixes.sort(key=lambda item: -len(item[0]))  # the most specific prefix wins
        self.rule_for.cache_clear()

    def adopt(self, routes: list[BaseRoute]) -> None:
        """Take every route's rule from its ``requires(...)``; MissingRule names a route that has none
        (and is not below an ``allow``-ed prefix), or a path two routes give different rules."""
        for route in _flattened(routes):
            path = getattr(route, "path", "")
            rule = _declared(route)
            if rule is None:
                if self._prefixed(path) is None and self._prefixed(path.rstrip("/") + "/") is None:
                    raise MissingRule(f"{path}: no access rule; give it dependencies=[requires(...)]")
                continue
            known = self._exact.get(path) or next((r for _, p, r in self._patterns if p == path), None)
            if known is not None and known != rule:
                raise MissingRule(f"{path}: two routes give it different access rules")
            if "{" in path:
                self._patterns.append((route.path_regex, path, rule))  # type: ignore[attr-defined]
            else:
                self._exact[path] = rule
        self.rule_for.cache_clear()

    def _find(self, path: str) -> Rule:
        rule = self._exact.get(path)
        if rule is not None:
            return rule
        for pattern, _, found in self._patterns:
            if pattern.match(path):
                return found
        return self._prefixed(path) or CLOSED

    def _prefixed(self, path: str) -> Rule | None:
        return next((rule for prefix, rule in self._prefixes if path.startswith(prefix)), None)

    def table(self) -> list[tuple[str, str]]:
        """Every rule, for the documentation: (path, what it needs)."""
        rows = [(path, rule.describe()) for path, rule in self._exact.items()]
        rows += [(path, rule.describe()) for _, path, rule in self._patterns]
        rows += [(f"{prefix}*", rule.describe()) for prefix, rule in self._prefixes]
        return [*sorted(set(rows)), ("anything else", CLOSED.describe())]


def _declared(route: BaseRoute) -> Rule | None:
    for marker in getattr(route, "dependencies", None) or []:
        if isinstance(marker.dependency, Requirement):
            return marker.dependency.rule
    return None


def _flattened(routes: list[BaseRoute]) -> list[BaseRoute]:
    """The app's routes, FastAPI's lazily included routers opened up."""
    found, waiting = [], list(routes)
    while waiting:
        route = waiting.pop(0)
        if hasattr(route, "original_router"):
            waiting.extend(route.original_router.routes)
        else:
            found.append(route)
    return found
