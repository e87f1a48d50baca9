"""A separate writer process for concurrency tests: ``python -m tests.utils.writer URL SECONDS USER MODE``.

For ``SECONDS`` it commits small transactions that change notifications of ``USER`` and prints how
many changes it committed. ``insert`` adds pending rows and keeps the transaction open a moment after
each; ``flip`` moves the user's rows between ``sending`` and ``failed``. The two touch different
counter rows, so nothing but the change log's own ordering keeps their transactions apart.
"""

import random
import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

INSERT = text(
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (:user, :subject, 'b', 'pending', 0, CURRENT_TIMESTAMP)"
)
FLIP = text(
    "UPDATE notifications SET status = CASE status WHEN 'sending' THEN 'failed' ELSE 'sending' END "
    "WHERE user_id = :user AND status IN ('sending', 'failed')"
)


def main(url: str, seconds: float, user: int, mode: str) -> int:
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30} if "sqlite" in url else {})
    rng = random.Random(user)
    changes = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.begin() as connection:
            if mode == "insert":
                connection.execute(INSERT, {"user": user, "subject": f"w{user}-{changes}"})
                changes += 1
                time.sleep(rng.random() / 200)  # committed a little after its change id was drawn
            else:
                changes += connection.execute(FLIP, {"user": user}).rowcount
    print(changes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
