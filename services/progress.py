"""How far a job is, and what happened to its items."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

KEEP_PROBLEMS = 20


@dataclass
class Progress:
    """How far a job is: ``done`` of ``total`` items (None while unknown) and what happened to them."""

    total: int | None = None
    done: int = 0
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # the first items that went wrong (of ``failed``)
    on_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def step(self, outcome: str, items: int = 1) -> None:
        self.done += items
        self.counts[outcome] += items
        if self.on_change is not None:
            self.on_change()

    def failed_item(self, what: str) -> None:
        """An item went wrong (``what``: which and why); the run goes on with the others. The first
        ``KEEP_PROBLEMS`` are kept in words: they go to the database and every viewer with each update."""
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(what)
        self.step("failed")

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def all_failed(self) -> bool:
        return self.failed > 0 and self.failed == self.done

    def summary(self) -> str:
        return (
            ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts.items()))
            or "nothing to do"
        )
