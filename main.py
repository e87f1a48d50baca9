"""Airdate's command line: read the settings, build the app and serve it, or say in one line why not.

Airdate's own modules are imported inside ``main``: the process may first restart itself with the
system allocator (see :func:`use_system_allocator`), which is cheap only before they are loaded.
"""

import logging
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from command_line import CommandLine
    from demo.settings import DemoSettings
    from settings import Settings


def main(argv: list[str], prog: str = "python main.py") -> int:
    from demo.settings import DemoSettings
    from settings import ConfigurationError

    try:  # the command line alone: --help or a bad setting answers before the database layer is loaded
        asked = parse(argv, prog)
        settings, demo = asked.settings, asked.plugin("demo", DemoSettings)
    except ConfigurationError as error:
        return refuse(error)

    from services.principals import AccessError
    from startup import StartupError

    try:
        configure_logging()
        if asked.command is not None:
            from commands import run_command  # no web stack: a command starts in a fraction of a second

            return run_command(settings.database.url, settings.auth.session_hours, *asked.command)
        if settings.database.recount:
            return recount(demo.database_url if demo.enabled else settings.database.url)
        return run_server(settings, demo)
    except (ConfigurationError, StartupError, AccessError) as error:
        return refuse(error)


def refuse(error: Exception) -> int:
    """Why Airdate will not do what it was asked, in one line; exit code 2."""
    print(f"airdate: {error}", file=sys.stderr)
    return 2


def parse(argv: list[str], prog: str = "python main.py") -> "CommandLine":
    """The product's settings and subcommands, and the demo's settings (``--demo``, which it never sees)."""
    from command_line import read_command_line
    from demo.settings import DemoSettings

    return read_command_line(argv, plugins={"demo": DemoSettings}, prog=prog)


def run(prog: str = "airdate") -> None:
    """The ``airdate`` console script (pyproject's ``[project.scripts]``), and ``python main.py``."""
    use_system_allocator()
    sys.exit(main(sys.argv[1:], prog=prog))


def run_server(settings: "Settings", demo: "DemoSettings") -> int:
    from application import create_app
    from native import NativeBackendError, require_native_backend
    from server import check_address, prepare_storage, serve
    from startup import StartupError

    try:
        if settings.server.native:
            require_native_backend()
        check_address(settings.server.host, settings.server.port)
        prepare_storage(settings.server.storage_path)
        airdate = create_app(settings, plugins=demo_plugins(demo))
    except NativeBackendError as error:
        raise StartupError(str(error)) from None
    serve(airdate)
    return 0


def use_system_allocator() -> None:
    """Run on the C library's allocator instead of Python's own small-object allocator.

    After a burst of page loads Python's allocator kept its freed memory: 300 pages that never
    connected left the server ~135 MiB above its start size a minute after they were let go; with
    the system allocator (and ``malloc_trim`` once pages are let go, see ``server.ReturnMemory``) it
    returns to within ~16 MiB, at a cost of about a tenth more CPU per event on the SSE fan-out
    (``bench/viewers``, ``bench/fanout``). Set PYTHONMALLOC yourself to choose otherwise.
    """
    if "PYTHONMALLOC" not in os.environ:
        os.environ["PYTHONMALLOC"] = "malloc"
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("airdate.audit").setLevel(logging.INFO)
    for chatty in ("httpx", "mail.log", "alembic"):  # a line per request / SMTP command / migration step
        logging.getLogger(chatty).setLevel(logging.WARNING)


def recount(database_url: str) -> int:
    from data import counters
    from startup import open_database

    database = open_database(database_url)
    print(f"airdate: counters rebuilt for {database.describe()}: {database.write(counters.recount)}")
    return 0


def demo_plugins(demo: "DemoSettings") -> list:
    from startup import StartupError

    if not demo.enabled:
        return []
    try:
        from demo.plugin import Demo  # the demo and its stand-ins plug in only when asked for
    except ImportError as error:
        raise StartupError(f"--demo needs the 'demo' extra: pip install '.[demo]' ({error})") from None
    return [Demo(demo)]


if __name__ == "__main__":
    run("python main.py")
elif __name__ == "__mp_main__":  # NiceGUI's native window process imports this file again
    from native import native_lifecycle

    native_lifecycle()
