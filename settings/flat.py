"""Flat names ↔ groups: which group a flat name (``smtp_host``) belongs to, values by flat name nested by
group and back. Used by :class:`settings.Settings` and by the command line (:mod:`command_line`), which
also passes the plug-ins' groups."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

Groups = Mapping[str, type[BaseModel]]  # a group's name → its model, e.g. "smtp" → SmtpSettings


def groups_of(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The groups a settings model is made of (each of its fields is one)."""
    found = {}
    for group, holder in model.model_fields.items():
        assert isinstance(holder.annotation, type) and issubclass(holder.annotation, BaseModel)
        found[group] = holder.annotation
    return found


def flat_fields(groups: Groups) -> dict[str, tuple[str, str, FieldInfo]]:
    """Each flat name in ``groups`` → (group, field, the field's definition)."""
    found = {}
    for group, model in groups.items():
        for name, field in model.model_fields.items():
            assert isinstance(field.validation_alias, str), f"{group}.{name} has no flat name"
            found[field.validation_alias] = (group, name, field)
    return found


def nest(groups: Groups, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Flat values (``{"smtp_host": …}``) → values by group (``{"smtp": {"smtp_host": …}}``)."""
    names = flat_fields(groups)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise TypeError(f"no such setting: {', '.join(unknown)}")
    nested: dict[str, dict[str, Any]] = {group: {} for group in groups}
    for flat, value in values.items():
        nested[names[flat][0]][flat] = value  # by flat name: an error's location names it
    return nested


def flatten(settings: BaseModel) -> dict[str, Any]:
    """A settings model's values by flat name (secrets stay SecretStr)."""
    return {
        flat: getattr(getattr(settings, group), name)
        for flat, (group, name, _) in flat_fields(groups_of(type(settings))).items()
    }
