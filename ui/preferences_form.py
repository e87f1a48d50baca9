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
from services.i18n import ENGLISH, N_, Language
from services.preferences import InvalidPreference, NotFound, Preferences, UserSettings

MODES = {
    NotifyMode.AS_THEY_LAND.value: N_("As they land"),
    NotifyMode.DIGEST.value: N_("Daily digest"),
    NotifyMode.OFF.value: N_("Off"),
}
RULES = {
    EpisodeRule.EACH.value: N_("Each episode"),
    EpisodeRule.PREMIERES.value: N_("Season premieres only"),
    EpisodeRule.SEASON_COMPLETE.value: N_("Season complete"),
}
DEFAULT = ""  # a show's rule: the person's default


class PreferencesForm(ui.column):
    """``email``: also the switch for the user's e-mail channel (the admin's page), saved with the rest.
    ``lang``: the requester's language on their manage page (the console's stays English)."""

    def __init__(
        self,
        users: UserSettings,
        settings: Preferences,
        *,
        by: str,
        email: bool = False,
        on_saved: Callable[[], None] | None = None,
        lang: Language = ENGLISH,
    ) -> None:
        super().__init__()
        self.classes("w-full gap-3").mark("preferences-form")
        self.users = users
        self.by = by  # who acts, for the audit line
        self.user_id = settings.user_id
        self.on_saved = on_saved
        self.language, self.lang = lang, lang.gettext
        _ = lang.gettext
        modes, self.rules = _choices(MODES, lang), _choices(RULES, lang)
        digest, hint, zone = _("Digest time"), _("24-hour clock, your local time"), _("Time zone")
        zones = sorted(time_zones() | {settings.time_zone})
        with self:
            ui.label(_("When to tell")).classes("text-base font-medium")
            self.mode = ui.radio(modes, value=settings.mode).props("inline").mark("mode")
            with ui.row().classes("items-start gap-4 flex-wrap"):
                self.digest_at = (
                    ui.input(_("Digest time (HH:MM)"), value=settings.digest_at)
                    .props(f'outlined dense aria-label="{aria(digest)}" hint="{aria(hint)}"')
                    .classes("w-48")
                    .mark("digest-at")
                )
                self.digest_at.bind_visibility_from(self.mode, "value", value=NotifyMode.DIGEST.value)
                self.time_zone = (
                    ui.select(zones, value=settings.time_zone, label=zone, with_input=True)
                    .props(f'outlined dense options-dense aria-label="{aria(zone)}"')
                    .classes("w-72")
                    .mark("time-zone")
                )
            ui.label(_("Which episodes")).classes("text-base font-medium")
            self.rule = ui.radio(self.rules, value=settings.episode_rule).props("inline").mark("episode-rule")
            self.email_enabled: ui.switch | None = None
            self.address: ui.input | None = None
            self.email_box = ui.column().classes("gap-1")
            if email:
                self.show_email(settings)
            ui.label(_("Shows")).classes("text-base font-medium")
            self.mutes: dict[int, ui.switch] = {}
            self.show_rules: dict[int, ui.select] = {}
            if not settings.shows:
                ui.label(_("No tv shows requested yet.")).classes("text-sm opacity-70").mark("no-shows")
            with ui.column().classes("gap-1"):
                for show in settings.shows:
                    self.show_row(show)
            self.save_button = (
                ui.button(_("Save"), icon="save", on_click=self.save).props("no-caps").mark("save")
            )

    def show_row(self, show: Show) -> None:
        """Mute the show, or choose which of its episodes to hear about."""
        _ = self.lang
        with ui.row().classes("items-center gap-4"):
            mute = ui.switch(_("Mute {show}").format(show=show.title), value=show.muted)
            mute.mark(f"mute-{show.tmdb_id}")
            rule = ui.select({DEFAULT: _("As by default"), **self.rules}, value=show.rule or DEFAULT)
            label = aria(_("Episodes of {show}").format(show=show.title))
            rule.props(f'outlined dense options-dense aria-label="{label}"')
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
        _ = self.lang
        ui.notify(_("Preferences saved") + skipped_note(skipped, self.language), type="positive")
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
        _ = self.lang
        said = _("Unsubscribed: no more notifications") + skipped_note(skipped, self.language)
        ui.notify(said, type="positive")
        return True


def aria(label: str) -> str:
    """A label as a props string can carry it (a show's title may hold quotes)."""
    return label.replace('"', "'")


def skipped_note(skipped: int, lang: Language = ENGLISH) -> str:
    if not skipped:
        return ""
    return "; " + lang.ngettext(
        "{count} queued notification will not be sent (skipped)",
        "{count} queued notifications will not be sent (skipped)",
        skipped,
    ).format(count=lang.number(skipped))


def _choices(words: dict[str, str], lang: Language) -> dict[str, str]:
    return {value: lang.gettext(label) for value, label in words.items()}
