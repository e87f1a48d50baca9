"""Which routes need what: every path is closed (admin only) unless a rule says otherwise.

Modules register the rules for the routes they define, next to the routes; a route nobody made a
rule for needs an admin's signed-in session, so a page or endpoint added later is closed by default.
"""

from dataclasses import dataclass
from enum import Enum


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


class AccessPolicy:
    def __init__(self) -> None:
        self._exact: dict[str, Rule] = {}
        self._prefixes: list[tuple[str, Rule]] = []

    def allow(
        self, path: str, need: Need, *, tokens: bool = False, why: str = "", identify: bool | None = None
    ) -> None:
        """A rule for ``path``; ``/a/b/`` (or ``/a/b*``) covers everything below it, ``/`` only itself.

        Open routes do not look up who is asking unless ``identify`` says so (the sign-in pages do)."""
        anonymous = need in (Need.OPEN, Need.SIGNED)
        rule = Rule(need, tokens, why, not anonymous if identify is None else identify)
        if path != "/" and path.endswith(("/", "*")):
            self._prefixes.append((path.rstrip("*"), rule))
            self._prefixes.sort(key=lambda item: -len(item[0]))  # the most specific prefix wins
        else:
            self._exact[path] = rule

    def rule_for(self, path: str) -> Rule:
        rule = self._exact.get(path)
        if rule is not None:
            return rule
        for prefix, rule in self._prefixes:
            if path.startswith(prefix):
                return rule
        return CLOSED

    def table(self) -> list[tuple[str, str]]:
        """Every rule, for the documentation: (path, what it needs)."""
        rows = [(path, rule.describe()) for path, rule in self._exact.items()]
        rows += [(f"{prefix}*", rule.describe()) for prefix, rule in self._prefixes]
        return [*sorted(rows), ("anything else", CLOSED.describe())]
