"""The services that do the work: the notifier (SMTP, batching, the signed links in messages) and the
jobs (the actions on Jellyseerr and Sonarr), with the upstreams they call."""

import logging
from functools import partial

from data import Database, preferences
from services.actions import Upstreams, build_actions
from services.jobs import Jobs
from services.links import Links
from services.mailer import Smtp
from services.message import Look
from services.message_templates import MessageTemplates
from services.notifier import Notifier
from settings import Runtime, Settings

from .access_control import LOOPBACK_HOSTS

log = logging.getLogger("airdate")


def build_services(settings: Settings, runtime: Runtime, database: Database) -> tuple[Jobs, Notifier]:
    mail, delivery, server = settings.smtp, settings.delivery, settings.server
    smtp = None
    if mail.host:
        password = mail.password.get_secret_value()
        smtp = Smtp(mail.host, mail.port, mail.tls, mail.username, password, mail.sender)
    notifier = Notifier(
        database,
        smtp,
        grouping_delay=delivery.grouping_delay,
        attempts=delivery.send_attempts,
        lease=delivery.claim_lease,
        links=Links(
            runtime.storage_secret.get_secret_value(),
            runtime.public_url,
            key_of=partial(database.read, preferences.link_key),
        ),
        look=Look(
            settings.messages.poster_base_url,
            settings.jellyseerr.public_url or settings.jellyseerr.url,
            settings.messages.default_locale,
        ),
        words=MessageTemplates(database),  # the admin's templates (the Messages page)
    )
    if not server.public_url and server.host not in LOOPBACK_HOSTS:
        log.warning(
            "AIRDATE_PUBLIC_URL is not set: the manage and unsubscribe links in messages point to "
            "http://localhost:%d, which the people who get them cannot open",
            server.port,
        )
    actions = build_actions(database, upstreams(settings), notifier)
    jobs = Jobs(actions, database, replica=runtime.replica_name, lease=settings.replica.job_lease)
    return jobs, notifier


def upstreams(settings: Settings) -> Upstreams:
    return Upstreams(
        settings.jellyseerr.url,
        settings.jellyseerr.api_key.get_secret_value(),
        settings.sonarr.url,
        settings.sonarr.api_key.get_secret_value(),
        settings.upstream.http_timeout,
        settings.upstream.http_retries,
    )
