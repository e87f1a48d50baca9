"""The e-mails: the SMTP server that delivers them, and when notifications are batched, sent and tried
again."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr

from .base import NO_SECRET, Group, WebAddress, flat_names


def _spoken(code: str) -> str:
    from services.i18n import check_default  # the catalogs Airdate has (services/locales)

    return check_default(code)


Locale = Annotated[str, AfterValidator(_spoken)]


class SmtpSettings(Group):
    model_config = flat_names("smtp_")

    host: str = Field("", description="SMTP server that delivers the e-mails")
    port: int = Field(587, ge=1, le=65535, description="SMTP port")
    tls: Literal["none", "starttls", "tls"] = Field("starttls", description="none, starttls or tls")
    username: str = Field("", description="SMTP user name (empty: no login)")
    password: SecretStr = Field(NO_SECRET, description="SMTP password")
    sender: str = Field(
        "Airdate <airdate@localhost>",
        validation_alias="smtp_from",
        description="From: address of the e-mails",
    )


class MessageSettings(Group):
    """What a message carries besides the episodes' names."""

    poster_base_url: WebAddress = Field(
        "https://image.tmdb.org/t/p/w342",
        description="where the shows' posters are (TMDB's image host and size; Jellyseerr's posterPath "
        "is appended)",
    )
    default_locale: Locale = Field(
        "en",
        description="language of the messages, pages and calendars of people whose Jellyseerr settings "
        "name none (en, de, fr, es…)",
    )


class DeliverySettings(Group):
    """When notifications are batched, sent and tried again."""

    grouping_delay: float = Field(
        300.0, ge=0, description="seconds after a user's newest pending item before a batch goes"
    )
    send_interval: float = Field(15.0, gt=0, description="seconds between two checks for batches to send")
    send_attempts: int = Field(5, ge=1, description="attempts before a notification is marked failed")
    claim_lease: float = Field(
        600.0,
        gt=0,
        description="seconds before a batch claimed by a sender that never finished is sent again",
    )
