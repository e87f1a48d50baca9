"""What a resuming reader missed, set up the same way for every replay measurement: one user and
``MISSED`` notifications (plus ``SPARE``) inserted with raw SQL, and the replay windows of the server
that keeps them in memory (``KEPT``) and of the one that keeps none (``NOT_KEPT``)."""

MISSED = 1_000  # notifications a resuming reader missed (the default AIRDATE_REPLAY_EVENTS is as many events)
SPARE = 50  # kept besides, so that stats and log events cannot push a missed notification out of the window
KEPT = MISSED + SPARE  # AIRDATE_REPLAY_EVENTS of the server that serves resumes from memory
NOT_KEPT = 0  # ... of the one that serves them from its database's change log
USER = "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@x', '2026-01-01')"
NOTIFICATIONS = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count}) "
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "SELECT 1, 'episode ' || x, 'body', 'pending', 0, '2026-11-28 10:00:00' FROM n"
)
