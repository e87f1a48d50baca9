"""One writer process of :mod:`bench.postgres`: ``python -m bench.pg_writer URL SECONDS USER_ID``.

Commits one notification per transaction (as a webhook does for one requester) until ``SECONDS`` have
passed, after a start signal on stdin so that all writers begin together; prints how many it committed.
"""

import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

INSERT = text(
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (:user, 'New episode', 'b', 'pending', 0, CURRENT_TIMESTAMP)"
)


def main(url: str, seconds: float, user: int) -> int:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        print("ready", flush=True)
        sys.stdin.readline()
        done = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with connection.begin():
                connection.execute(INSERT, {"user": user})
            done += 1
    print(done, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
