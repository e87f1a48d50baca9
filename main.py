"""Airdate's command line: read the settings, build the app and serve it, or say in one line why not."""

import logging
import sys

from application import StartupError, create_app, open_database
from commands import run_command
from native import NativeBackendError, native_lifecycle, require_native_backend
from server import check_address, prepare_storage, serve
from services.access import AccessError
from settings import CommandLine, ConfigurationError, Settings, load_settings


def main(argv: list[str]) -> int:
    try:
        settings = load_settings(argv)
        configure_logging()
        if isinstance(settings, CommandLine) and (command := settings.command()) is not None:
            return run_command(settings.database_url, settings.session_hours, *command)
        if settings.recount:
            return recount(settings)
        if settings.native:
            require_native_backend()
        check_address(settings.host, settings.port)
        prepare_storage(settings.storage_path)
        airdate = create_app(settings, plugins=demo_plugins(settings))
    except (ConfigurationError, StartupError, NativeBackendError, AccessError) as error:
        print(f"airdate: {error}", file=sys.stderr)
        return 2
    serve(airdate)
    return 0


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("airdate.audit").setLevel(logging.INFO)
    for chatty in ("httpx", "mail.log"):  # a line per request / SMTP command
        logging.getLogger(chatty).setLevel(logging.WARNING)


def recount(settings: Settings) -> int:
    database = open_database(settings.demo_database_url if settings.demo else settings.database_url)
    print(f"airdate: counters rebuilt for {database.describe()}: {database.recount()}")
    return 0


def demo_plugins(settings: Settings) -> list:
    if not settings.demo:
        return []
    try:
        from demo import Demo  # the demo and its stand-ins plug in only when asked for
    except ImportError as error:
        raise StartupError(f"--demo needs the 'demo' extra: pip install '.[demo]' ({error})") from None
    return [Demo()]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
elif __name__ == "__mp_main__":  # NiceGUI's native window process imports this file again
    native_lifecycle()
