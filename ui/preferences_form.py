"""One user's notification preferences as a form: mode, digest time, time zone, which episodes (a
default and a rule per show), muted shows; Save.

The admin's user page and the requester's signed manage page both use it. Saving is
:meth:`services.preferences.UserSettings.update` (audited as ``by``); a value it refuses becomes a
warning and the form keeps what was typed.
"""

from collections.abc import Callable

from nicegui import ui

from data.models import EpisodeRule, NotifyMode
from data.preferences import Show, time_zones
from services.preferences import InvalidPreference, NotFound, Preferences, UserSettings

MODES = {
    NotifyMode.AS_THEY_LAND.value: "As they land",
    NotifyMode.DIGEST.value: "Daily digest",
    NotifyMode.OFF.value: "Off",
}
RULES = {
    EpisodeRule.EACH.value: "Each episode",
    EpisodeRule.PREMIERES.value: "Season premieres only",
    EpisodeRule.SEASON_COMPLETE.value: "Season complete",
}
DEFAULT = ""  # a show's rule: the person's default


class PreferencesForm(ui.column):
    """``email``: also the switch for the user's e-mail channel (the admin's page), saved with the rest."""

    def __init__(
        self,
        users: UserSettings,
        settings: Preferences,
        *,
        by: str,
        email: bool = False,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.classes("w-full gap-3").mark("preferences-form")
        self.users = users
        self.by = by  # who acts, for the audit line
        self.user_id = settings.user_id
        self.on_saved = on_saved
        zones = sorted(time_zones() | {settings.time_zone})
        with self:
            ui.label("When to tell").classes("text-base font-medium")
            self.mode = ui.radio(MODES, value=settings.mode).props("inline").mark("mode")
            with ui.row().classes("items-start gap-4 flex-wrap"):
                self.digest_at = (
                    ui.input("Digest time (HH:MM)", value=settings.digest_at)
                    .props('outlined dense aria-label="Digest time" hint="24-hour clock, your local time"')
                    .classes("w-48")
                    .mark("digest-at")
                )
                self.digest_at.bind_visibility_from(self.mode, "value", value=NotifyMode.DIGEST.value)
                self.time_zone = (
                    ui.select(zones, value=settings.time_zone, label="Time zone", with_input=True)
                    .props('outlined dense options-dense aria-label="Time zone"')
                    .classes("w-72")
                    .mark("time-zone")
                )
            ui.label("Which episodes").classes("text-base font-medium")
            self.rule = ui.radio(RULES, value=settings.episode_rule).props("inline").mark("episode-rule")
            self.email_enabled: ui.switch | None = None
            self.address: ui.input | None = None
            self.email_box = ui.column().classes("gap-1")
            if email:
                self.show_email(settings)
            ui.label("Shows").classes("text-base font-medium")
            self.mutes: dict[int, ui.switch] = {}
            self.show_rules: dict[int, ui.select] = {}
            if not settings.shows:
                ui.label("No tv shows requested yet.").classes("text-sm opacity-70").mark("no-shows")
            with ui.column().classes("gap-1"):
                for show in settings.shows:
                    self.show_row(show)
            self.save_button = (
                ui.button("Save", icon="save", on_click=self.save).props("no-caps").mark("save")
            )

    def show_row(self, show: Show) -> None:
        """Mute the show, or choose which of its episodes to hear about."""
        with ui.row().classes("items-center gap-4"):
            mute = ui.switch(f"Mute {show.title}", value=show.muted).mark(f"mute-{show.tmdb_id}")
            rule = ui.select({DEFAULT: "As by default", **RULES}, value=show.rule or DEFAULT)
            rule.props(f'outlined dense options-dense aria-label="{aria(f"Episodes of {show.title}")}"')
            rule.classes("w-64").mark(f"rule-{show.tmdb_id}")
        self.mutes[show.tmdb_id], self.show_rules[show.tmdb_id] = mute, rule

    def show_email(self, settings: Preferences) -> None:
        """The address (or why there is none), the e-mail switch, and an address an admin may give."""
        self.address_was = settings.email if settings.email_set_by_admin else ""
        self.email_box.clear()
        with self.email_box:
            ui.label("E-mail").classes("text-base font-medium")
            if settings.email_note:
                ui.label(settings.email_note).classes("text-sm opacity-70").mark("email-note")
            address = settings.email or "no address: e-mail is off"
            self.email_enabled = ui.switch(f"E-mail to {address}", value=settings.email_enabled).mark(
                "email-enabled"
            )
            self.email_enabled.set_enabled(bool(settings.email))
            self.address = (
                ui.input("E-mail address", value=self.address_was)
                .props(
                    'outlined dense clearable aria-label="E-mail address" '
                    'hint="for a user Jellyseerr has no address for; kept until it has one"'
                )
                .classes("w-96")
                .mark("email-address")
            )

    def muted(self) -> set[int]:
        return {tmdb_id for tmdb_id, switch in self.mutes.items() if switch.value}

    async def save(self) -> bool:
        """Save what the form shows; whether it was kept (a refusal is a warning, the form unchanged)."""
        mode = self.mode.value
        changes = {
            "mode": mode,
            "time_zone": self.time_zone.value or "",
            "muted": self.muted(),
            "episode_rule": self.rule.value,
            "show_rules": {tmdb_id: select.value or None for tmdb_id, select in self.show_rules.items()},
        }
        if mode == NotifyMode.DIGEST.value:
            changes["digest_at"] = (self.digest_at.value or "").strip()
        if self.email_enabled is not None:
            changes["email_enabled"] = bool(self.email_enabled.value)
        if self.address is not None and (typed := (self.address.value or "").strip()) != self.address_was:
            changes["email"] = typed
        self.save_button.disable()
        try:
            skipped = await self.users.update(self.user_id, by=self.by, **changes)  # type: ignore[arg-type]
        except (InvalidPreference, NotFound) as error:
            ui.notify(str(error), type="warning")
            return False
        finally:
            self.save_button.enable()
        ui.notify(f"Preferences saved{skipped_note(skipped)}", type="positive")
        if "email" in changes:
            self.show_email(await self.users.read(self.user_id))
        if self.on_saved is not None:
            self.on_saved()
        return True

    async def turn_off(self) -> bool:
        """Mode off, saved at once and nothing else (the requester's "unsubscribe from everything")."""
        try:
            skipped = await self.users.unsubscribe(self.user_id, where="on the page of their link")
        except NotFound as error:
            ui.notify(str(error), type="warning")
            return False
        self.mode.value = NotifyMode.OFF.value
        ui.notify(f"Unsubscribed: no more notifications{skipped_note(skipped)}", type="positive")
        return True


def aria(label: str) -> str:
    """A label as a props string can carry it (a show's title may hold quotes)."""
    return label.replace('"', "'")


def skipped_note(skipped: int) -> str:
    if not skipped:
        return ""
    return f"; {skipped} queued notification{'s' if skipped != 1 else ''} will not be sent (skipped)"
