"""Checks schemathesis runs on every answer (loaded through SCHEMATHESIS_HOOKS by tests/api/test_fuzz.py)."""

import schemathesis


@schemathesis.check
def client_errors_say_why(ctx, response, case) -> None:  # schemathesis's signature
    """Every 4xx is JSON with a ``detail`` a person can read."""
    if 400 <= response.status_code < 500:
        try:
            detail = response.json().get("detail")
        except ValueError:
            raise AssertionError(f"{response.status_code} without a JSON body") from None
        if not detail:
            raise AssertionError(f"{response.status_code} without a reason: {response.text[:200]}")
