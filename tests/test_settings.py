"""The settings by concern: secrets never shown, the rules across settings, the frozen runtime values, and
the demo's settings kept out of the product's."""

import dataclasses
import logging

import pytest
from pydantic import SecretStr, ValidationError

from api.webhooks import WebhookAuth
from command_line import describe, flat_model, is_secret, load_settings, read_command_line
from demo.settings import DemoSettings
from main import parse
from services.actions import Upstreams
from services.links import Links
from services.mailer import Smtp
from settings import SECRET_WORDS, ConfigurationError, Runtime, Settings, flat_fields, groups_of

from .utils.server import run_cli

SECRETS = {
    "jellyseerr_api_key": "jelly-key-4711",
    "sonarr_api_key": "sonarr-key-4711",
    "webhook_password": "hook-password-4711",
    "webhook_secret": "hook-secret-4711",
    "smtp_password": "mail-password-4711",
    "admin_password": "admin-password-4711",
    "storage_secret": "storage-secret-4711-" + "x" * 20,
}


def test_every_secret_is_a_secret_str_and_named_like_one() -> None:
    fields = flat_fields(groups_of(Settings))
    typed = {name for name, (_, _, field) in fields.items() if field.annotation is SecretStr}
    assert typed == set(SECRETS)
    for name in typed:
        assert SECRET_WORDS & set(name.split("_")), f"{name}: the word rule would not hide it"


def test_secrets_never_show_in_a_repr_or_a_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(f"AIRDATE_{name.upper()}", value)
    monkeypatch.setenv("AIRDATE_ADMIN_USER", "root")
    settings = load_settings()
    assert settings.smtp.password.get_secret_value() == SECRETS["smtp_password"]
    runtime = Runtime("blue", settings.auth.storage_secret, "http://localhost:8080")
    with caplog.at_level(logging.INFO):
        logging.getLogger("airdate").info("settings: %s %r; runtime: %s", settings, settings, runtime)
    shown = " ".join([repr(settings), str(settings), repr(runtime), repr(parse([])), caplog.text])
    for value in SECRETS.values():
        assert value not in shown


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_a_secret_is_never_repeated_in_an_error(name: str) -> None:
    model = flat_model(tuple(groups_of(Settings).items()), commands=False)
    assert is_secret(name, model)
    try:
        model.model_validate({name: 12345})  # not a string: refused
    except ValidationError as error:
        assert "12345" not in describe(error, model)
        assert "12345" not in str(error)
    else:
        pytest.fail("a number was taken for a secret")


def test_a_short_storage_secret_is_refused_without_repeating_it() -> None:
    with pytest.raises(ConfigurationError) as refused:
        read_command_line(["--storage-secret", "only-twenty-one-bytes"])
    assert str(refused.value).startswith("AIRDATE_STORAGE_SECRET (--storage-secret): needs at least 32 bytes")
    assert "only-twenty-one-bytes" not in str(refused.value)
    with pytest.raises(ValidationError) as raised:
        Settings.from_flat(storage_secret="only-twenty-one-bytes")
    assert "only-twenty-one-bytes" not in str(raised.value)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--admin-user", "root"], "set both AIRDATE_ADMIN_USER and AIRDATE_ADMIN_PASSWORD, or neither"),
        (
            ["--admin-password", "pw-only"],
            "set both AIRDATE_ADMIN_USER and AIRDATE_ADMIN_PASSWORD, or neither",
        ),
        (
            ["--auth-header", "Remote-User"],
            "AIRDATE_AUTH_HEADER needs AIRDATE_TRUSTED_PROXIES: whose header would it believe?",
        ),
        (
            ["--auth-header", "Remote-User", "--trusted-proxies", " , "],
            "AIRDATE_AUTH_HEADER needs AIRDATE_TRUSTED_PROXIES: whose header would it believe?",
        ),
    ],
)
def test_settings_that_only_make_sense_together_are_refused_in_one_line(
    argv: list[str], message: str
) -> None:
    with pytest.raises(ConfigurationError) as refused:
        read_command_line(argv)
    assert str(refused.value) == message
    flat = {
        arg.lstrip("-").replace("-", "_"): value for arg, value in zip(argv[::2], argv[1::2], strict=True)
    }
    with pytest.raises(ValidationError, match=message.split(":")[0]):
        Settings.from_flat(**flat)  # the same rule in Python


def test_a_rule_across_settings_stops_python_main_py_with_exit_code_2() -> None:
    result = run_cli(admin_user="root")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "airdate: set both AIRDATE_ADMIN_USER and AIRDATE_ADMIN_PASSWORD, or neither"
    )
    result = run_cli("--auth-header", "Remote-User")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "airdate: AIRDATE_AUTH_HEADER needs AIRDATE_TRUSTED_PROXIES: whose header would it believe?"
    )


def test_settings_are_checked_when_changed_and_the_runtime_cannot_be() -> None:
    settings = Settings()
    settings.smtp.password = "typed-in"  # type: ignore[assignment]  # checked: it becomes a SecretStr
    assert isinstance(settings.smtp.password, SecretStr)
    with pytest.raises(ValidationError):
        settings.server.port = 0
    runtime = Runtime("blue", SecretStr("s" * 32), "http://localhost:8080")
    with pytest.raises(dataclasses.FrozenInstanceError):
        runtime.replica_name = "green"  # type: ignore[misc]


def test_replace_changes_flat_names_and_keeps_the_rest() -> None:
    settings = Settings.from_flat(port=9000, smtp_host="mail")
    changed = settings.replace(smtp_port=2525)
    assert (changed.server.port, changed.smtp.host, changed.smtp.port) == (9000, "mail", 2525)
    assert settings.smtp.port == 587
    with pytest.raises(TypeError, match="no such setting: smtp_hots"):
        settings.replace(smtp_hots="typo")


def test_the_products_settings_know_nothing_of_the_demo() -> None:
    product = flat_fields(groups_of(Settings))
    assert not [name for name in product if name.startswith("demo")]
    assert set(flat_fields({"demo": DemoSettings})) == {"demo", "demo_database_url", "demo_interval"}
    with pytest.raises(ConfigurationError, match="unrecognized arguments: --demo"):
        read_command_line(["--demo"])  # the product's command line alone
    assert parse(["--demo"]).plugin("demo", DemoSettings).enabled


def test_what_the_secrets_are_handed_to_does_not_show_them_either() -> None:
    holders = [
        Smtp("mail", 587, "starttls", "mailer", SECRETS["smtp_password"], "Airdate <a@b.c>"),
        Links(SECRETS["storage_secret"], "http://localhost:8080"),
        Upstreams("http://j", SECRETS["jellyseerr_api_key"], "http://s", SECRETS["sonarr_api_key"]),
        WebhookAuth("sonarr", SECRETS["webhook_password"], SECRETS["webhook_secret"]),
    ]
    shown = " ".join(repr(holder) for holder in holders)
    assert "mailer" in shown and "http://j" in shown
    for value in SECRETS.values():
        assert value not in shown


def test_the_message_settings_arrive_and_a_bad_address_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRDATE_POSTER_BASE_URL", "http://images.lan/t/p/w185")
    asked = parse(["--jellyseerr-public-url", "https://requests.example.org"])
    assert asked.settings.messages.poster_base_url == "http://images.lan/t/p/w185"
    assert asked.settings.jellyseerr.public_url == "https://requests.example.org"
    assert Settings().messages.poster_base_url == "https://image.tmdb.org/t/p/w342"
    with pytest.raises(ConfigurationError) as refused:
        read_command_line(["--jellyseerr-public-url", "javascript:alert(1)"])
    assert str(refused.value) == (
        "AIRDATE_JELLYSEERR_PUBLIC_URL (--jellyseerr-public-url): needs an http(s) address with no query, "
        "e.g. https://example.org/path, or nothing (got 'javascript:alert(1)')"
    )
