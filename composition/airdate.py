"""What the app factory hands back: :class:`Airdate`, the composed app (settings, runtime, database,
live sources, services, access control, navigation), and what a :class:`Plugin` (the demo) does to it."""

from dataclasses import dataclass, field
from typing import Protocol

from api.identities import Identities
from api.policy import AccessPolicy
from data import Database
from live import Hub, LiveFeed, LiveSources
from services.access import Access
from services.calendar import CalendarFeeds
from services.follows import Follows
from services.jobs import Jobs
from services.message_templates import MessageTemplates
from services.notifier import Notifier
from services.preferences import UserSettings
from settings import Runtime, Settings
from ui import Nav
from ui.frame import PAGES


@dataclass
class Airdate:
    settings: Settings
    runtime: Runtime
    database: Database
    live: LiveSources
    jobs: Jobs
    notifier: Notifier
    access: Access
    policy: AccessPolicy
    identities: Identities
    nav: Nav = field(default_factory=lambda: list(PAGES))

    @property
    def feed(self) -> LiveFeed:
        return self.live.feed

    @property
    def users(self) -> UserSettings:
        """The use cases of a user's notification settings (services.preferences)."""
        return UserSettings(self.database, self.settings.messages.default_locale)

    @property
    def follows(self) -> Follows:
        """The use cases of following shows (services.follows)."""
        return Follows(self.database)

    @property
    def calendars(self) -> CalendarFeeds:
        """Each person's calendar feed of their shows' episodes (services.calendar)."""
        return CalendarFeeds(self.database, self.settings.messages.default_locale)

    @property
    def messages(self) -> MessageTemplates:
        """The admin's message templates (services.message_templates), which the notifier sends with."""
        assert isinstance(self.notifier.words, MessageTemplates)  # build_services gives it them
        return self.notifier.words

    @property
    def hub(self) -> Hub:
        return self.live.hub


class Plugin(Protocol):
    def configure(self, settings: Settings) -> Settings:
        """Adjust the settings before anything is built."""

    def install(self, airdate: Airdate) -> None:
        """Add routes, pages and lifecycle hooks to the built app."""
