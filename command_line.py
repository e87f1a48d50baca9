"""What ``python main.py`` (or ``airdate``) was asked: the settings, read by their flat names from the
command line (``--smtp-host``), the environment (``AIRDATE_SMTP_HOST``) and ``.env``, in that order of
precedence (pydantic-settings does all three), and the subcommands ``accounts``, ``tokens`` and ``db``.

The flags are those of a flat model built from the groups' fields (:func:`flat_model`): one definition
per setting, nested in :class:`settings.Settings`, flat where users write it. Why not pydantic-settings'
own nesting: it reads a nested field only as ``AIRDATE_SMTP__HOST`` (``env_nested_delimiter``) or
``--smtp.host``, and not by a nested field's ``validation_alias`` (pydantic-settings#27, #714); and the
names users have are flat and do not all start with their group's name (``replay_events``, ``auth``).
Plug-ins (the demo) add groups of their own, which the product's Settings never sees.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, SecretStr, ValidationError, create_model
from pydantic_settings import (
    BaseSettings,
    CliPositionalArg,
    CliSubCommand,
    SettingsConfigDict,
    SettingsError,
    get_subcommand,
)

from settings import SECRET_WORDS, ConfigurationError, Groups, Settings, flat_fields, groups_of, nest

PROG = "python main.py"
SUBCOMMANDS = ("accounts", "tokens", "db")
Plugin = TypeVar("Plugin", bound=BaseModel)


class AccountAdd(BaseModel):
    """Add an account: the password is asked for twice, or read as one line from standard input."""

    name: CliPositionalArg[str] = Field(description="user name")
    role: Literal["admin", "viewer"] = Field("viewer", description="admin or viewer")


class AccountName(BaseModel):
    name: CliPositionalArg[str] = Field(description="user name")


class AccountRole(BaseModel):
    """Make an account an admin or a viewer; its sessions end (its pages and streams close)."""

    name: CliPositionalArg[str] = Field(description="user name")
    role: CliPositionalArg[Literal["admin", "viewer"]] = Field(description="admin or viewer")


class AccountUnlock(BaseModel):
    """Forget the sign-in tries for a name, from everywhere or from one address."""

    name: CliPositionalArg[str] = Field(description="user name (* for an address's tries for all names)")
    address: str = Field("", description="only the tries from this client address")


class Nothing(BaseModel):
    pass


class AccountsCommand(BaseModel):
    """Console accounts (the server may be running)."""

    add: CliSubCommand[AccountAdd] = Field(description="add an account")
    list_: CliSubCommand[Nothing] = Field(alias="list", description="list the accounts")
    remove: CliSubCommand[AccountName] = Field(description="remove an account (and end its sessions)")
    passwd: CliSubCommand[AccountName] = Field(description="set an account's password (its sessions end)")
    role: CliSubCommand[AccountRole] = Field(description="make an account admin or viewer (its sessions end)")
    locks: CliSubCommand[Nothing] = Field(description="list the sign-ins locked out or slowed down")
    unlock: CliSubCommand[AccountUnlock] = Field(description="clear the sign-in lock of a name")


class TokenAdd(BaseModel):
    """Create an API token and print it; it is shown this once."""

    name: CliPositionalArg[str] = Field(description="what the token is for, e.g. grafana")
    scope: Literal["read", "admin"] = Field(
        "read", description="read: streams, stats, jobs, metrics; admin: also actions"
    )


class TokenName(BaseModel):
    name: CliPositionalArg[str] = Field(description="the token's name")


class Revision(BaseModel):
    revision: CliPositionalArg[str] = Field(description="a revision (see `db history`), or base")


class DatabaseCommand(BaseModel):
    """Migrate the configured database (the server upgrades it at start by itself)."""

    upgrade: CliSubCommand[Nothing] = Field(description="migrate to the newest revision")
    current: CliSubCommand[Nothing] = Field(description="show the revision the database is at")
    downgrade: CliSubCommand[Revision] = Field(
        description="migrate down to REVISION (base: drop every table)"
    )
    history: CliSubCommand[Nothing] = Field(description="list the revisions, oldest first")


class TokensCommand(BaseModel):
    """API tokens for programs (the server may be running; a revoked token's streams end within 1 s)."""

    add: CliSubCommand[TokenAdd] = Field(description="create a token")
    list_: CliSubCommand[Nothing] = Field(alias="list", description="list the tokens")
    revoke: CliSubCommand[TokenName] = Field(description="revoke a token")


class FlatSettings(BaseSettings):
    """Airdate tells requesters when new episodes land. Flags can also be set as AIRDATE_<NAME> or in .env."""

    model_config = SettingsConfigDict(
        env_prefix="AIRDATE_",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_exit_on_error=False,
        cli_show_env_vars=True,
    )


class Subcommands(FlatSettings):
    accounts: CliSubCommand[AccountsCommand] = Field(description="manage console accounts")
    tokens: CliSubCommand[TokensCommand] = Field(description="manage API tokens")
    db: CliSubCommand[DatabaseCommand] = Field(description="migrate the database")


@cache
def flat_model(groups: tuple[tuple[str, type[BaseModel]], ...], commands: bool) -> type[FlatSettings]:
    """A pydantic-settings model with one field per flat name of ``groups`` (same type, default,
    constraints and description), and the subcommands if ``commands``."""
    fields: dict[str, Any] = {}
    for flat, (_, _, definition) in flat_fields(dict(groups)).items():
        flat_definition = copy.copy(definition)
        flat_definition.validation_alias, flat_definition.alias_priority = None, None
        fields[flat] = (definition.annotation, flat_definition)
    base = Subcommands if commands else FlatSettings
    return create_model("Airdate", __base__=base, __doc__=FlatSettings.__doc__, **fields)


@dataclass(frozen=True)
class CommandLine:
    """What the command line asked for."""

    settings: Settings
    command: tuple[str, str, BaseModel] | None  # (group, action, arguments), e.g. accounts add alice
    plugins: dict[str, BaseModel] = field(default_factory=dict)  # the plug-ins' groups, by name

    def plugin(self, name: str, kind: type[Plugin]) -> Plugin:
        found = self.plugins[name]
        assert isinstance(found, kind)
        return found


def read_command_line(argv: list[str], plugins: Groups | None = None, prog: str = PROG) -> CommandLine:
    """The settings from ``argv``, the environment and ``.env`` (flags win), with the plug-ins' groups.

    Raises ConfigurationError with one line naming the flag or variable; ``--help`` exits as usual."""
    plugins = plugins or {}
    model = flat_model(tuple({**groups_of(Settings), **plugins}.items()), commands=True)
    with _one_line(model):
        flat = model(_cli_parse_args=argv, _cli_prog_name=prog)
        return CommandLine(
            _settings(flat),
            _command(flat),
            {name: _plugin_group(flat, name, kind) for name, kind in plugins.items()},
        )


def load_settings() -> Settings:
    """The settings from the environment and ``.env`` alone (no command line, no plug-ins)."""
    model = flat_model(tuple(groups_of(Settings).items()), commands=False)
    with _one_line(model):
        return _settings(model())


def _values(flat: BaseModel, groups: Groups) -> dict[str, Any]:
    return {name: getattr(flat, name) for name in flat_fields(groups)}


def _settings(flat: BaseModel) -> Settings:
    return Settings.from_flat(**_values(flat, groups_of(Settings)))


def _plugin_group(flat: BaseModel, name: str, kind: type[BaseModel]) -> BaseModel:
    return kind.model_validate(nest({name: kind}, _values(flat, {name: kind}))[name])


def _command(flat: BaseModel) -> tuple[str, str, BaseModel] | None:
    """(group, action, arguments) of a subcommand such as ``accounts add alice``; None to serve."""
    group = get_subcommand(flat, is_required=False)
    if group is None:
        return None
    name = next(key for key in SUBCOMMANDS if getattr(flat, key) is group)
    action = get_subcommand(group, is_required=False)
    if action is None:
        raise ConfigurationError(f"{name}: say what to do ({', '.join(_actions(group))}); see --help")
    verb = next(key for key in type(group).model_fields if getattr(group, key) is action)
    return name, verb.rstrip("_"), action


def _actions(group: BaseModel) -> list[str]:
    return [option.alias or name for name, option in type(group).model_fields.items()]


@contextmanager
def _one_line(model: type[BaseModel]) -> Iterator[None]:
    """A wrong setting or flag becomes a ConfigurationError: one line, naming it."""
    try:
        yield
    except ValidationError as error:
        raise ConfigurationError(describe(error, model)) from None
    except SettingsError as error:
        raise ConfigurationError(str(error).removeprefix("error parsing CLI: ")) from None


def describe(error: ValidationError, model: type[BaseModel]) -> str:
    """``AIRDATE_NAME (--name): what is wrong (got 'value')`` — the value left out for a secret."""
    problem = error.errors()[0]
    where = [str(part) for part in problem["loc"]]
    message = problem["msg"].removeprefix("Value error, ")
    if not where:  # a rule across settings (Settings' model validator) says it all
        return message
    if where[0] in SUBCOMMANDS:  # a subcommand's option
        command = " ".join(part.rstrip("_") for part in where[:-1])
        return f"{command} --{where[-1].replace('_', '-')}: {problem['msg']} (got {problem.get('input')!r})"
    name = "_".join(where)
    got = "" if is_secret(name, model) else f" (got {problem.get('input')!r})"
    return f"AIRDATE_{name.upper()} (--{name.replace('_', '-')}): {message}{got}"


def is_secret(name: str, model: type[BaseModel]) -> bool:
    """A setting whose value is never repeated: a SecretStr, or one named like a secret."""
    definition = model.model_fields.get(name)
    typed = definition is not None and definition.annotation is SecretStr
    return typed or bool(SECRET_WORDS & set(name.split("_")))
