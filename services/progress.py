from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Progress:
    """How far a job is: ``done`` of ``total`` items (None while unknown) and what happened to them."""

    total: int | None = None
    done: int = 0
    counts: Counter = field(default_factory=Counter)
    on_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def step(self, outcome: str, items: int = 1) -> None:
        self.done += items
        self.counts[outcome] += items
        if self.on_change is not None:
            self.on_change()

    def summary(self) -> str:
        return (
            ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts.items()))
            or "nothing to do"
        )
