"""The native desktop window (``--native``): find a usable GUI backend or exit with what to install,
and tie the window's life to the server's."""

import contextlib
import importlib.util
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

from nicegui import app

log = logging.getLogger("airdate.native")


# Debian/Ubuntu packages Qt WebEngine (pywebview's Qt backend) loads; `make native` installs the same list.
NATIVE_APT_PACKAGES = (
    "libegl1 libgl1 libgbm1 libnss3 libasound2 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 "
    "libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 "
    "libxcb-shape0 libxcb-xkb1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1"
)
_INSTALL_HINT = (
    "run `make native`, or pip install '.[native]' and (Debian/Ubuntu) "
    f"apt-get install {NATIVE_APT_PACKAGES}; or run without --native"
)
# Each probe runs in a child Python: loading a toolkit can abort the process (Qt does without a display).
_PROBES = {
    "qt": """
import sys
try:
    from qtpy import QtWebEngineWidgets
    from qtpy.QtWidgets import QApplication
except Exception as error:
    sys.exit(f"import: {type(error).__name__}: {error}")
QApplication(sys.argv[:1])
""",
    "gtk": """
import sys
try:
    import gi
    gi.require_version("Gtk", "3.0")
    try:
        gi.require_version("WebKit2", "4.1")
    except ValueError:
        gi.require_version("WebKit2", "4.0")
    from gi.repository import Gtk, WebKit2
except Exception as error:
    sys.exit(f"import: {type(error).__name__}: {error}")
ok = Gtk.init_check()
if not (ok[0] if isinstance(ok, tuple) else ok):
    sys.exit("display: Gtk cannot open the display")
""",
}
_PROBE_TIMEOUT = 20.0
_DISPLAY_FAILURES = ("display:", "could not connect to display", "failed to create wl_display")


class NativeBackendError(Exception):
    """No native window can open here; the message is the one line the user reads."""


def require_native_backend() -> None:
    """For --native: raise NativeBackendError, naming what to install or set, unless a window can open;
    then pin pywebview to the toolkit that works and tie the window's life to the server's."""
    gui = find_native_backend()
    if gui is not None:
        app.native.start_args["gui"] = gui
    if gui == "qt" and _is_root() and "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ:
        # Chromium refuses to run as root with its sandbox on; the window process inherits this.
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.warning("running as root: Qt WebEngine's sandbox is off for the native window")
    native_lifecycle()


def find_native_backend(environ: Mapping[str, str] | None = None) -> str | None:
    """The pywebview GUI to use ("qt" or "gtk"; None: pywebview's own choice on Windows and macOS).

    Raises NativeBackendError when pywebview, a toolkit or a display is missing."""
    env = os.environ if environ is None else environ
    if importlib.util.find_spec("webview") is None:
        raise NativeBackendError(f"--native needs pywebview and Qt WebEngine: {_INSTALL_HINT}")
    if sys.platform in ("win32", "darwin"):
        return None
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise NativeBackendError(
            "--native needs a desktop session, but neither DISPLAY (X11) nor WAYLAND_DISPLAY is set: "
            "run it on the desktop (or under Xvfb), or run without --native"
        )
    wanted = env.get("PYWEBVIEW_GUI", "").lower()
    failures = []
    for gui in sorted(_PROBES, key=lambda name: name != wanted):  # the one PYWEBVIEW_GUI names first
        problem = _probe(gui, env)
        if problem is None:
            return gui
        failures.append(problem)
    display = next((problem for problem in failures if _is_display_failure(problem)), None)
    if display is not None:
        where = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
        raise NativeBackendError(
            f"--native cannot open a window on display {where} ({_summary(display)}): "
            "check that the display server runs and DISPLAY/WAYLAND_DISPLAY point at it, "
            "or run without --native"
        )
    raise NativeBackendError(f"--native cannot load a GUI toolkit ({_summary(failures[0])}): {_INSTALL_HINT}")


def native_lifecycle() -> None:
    """Stopping the server closes the window, however it stops (SIGTERM, Ctrl+C, a crash, SIGKILL).

    NiceGUI already stops the server when the window closes, but when the server exits on a signal its
    window process (a multiprocessing child) stays behind. So in the window process a thread waits for
    the server process to end, then closes the window, and exits hard if the window does not close.
    In the server process there is nothing to do; calling this twice is harmless."""
    if _watching.is_set() or not _in_child_process():
        return
    _watching.set()
    threading.Thread(target=_close_with_server, name="airdate-close-with-server", daemon=True).start()


_watching = threading.Event()


def _close_with_server() -> None:
    while (server := multiprocessing.parent_process()) is None:  # set once the child has bootstrapped
        time.sleep(0.1)
    server.join()  # returns when the server process is gone
    windows = list(getattr(sys.modules.get("webview"), "windows", []))
    for window in windows:
        with contextlib.suppress(Exception):
            window.destroy()
    if windows:
        time.sleep(3.0)  # the window closing ends this process; this is the fallback
    os._exit(0)


def _in_child_process() -> bool:
    """True in a process spawned by multiprocessing (NiceGUI's window, a worker), even while it imports."""
    return multiprocessing.current_process().name != "MainProcess"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _probe(gui: str, env: Mapping[str, str]) -> str | None:
    """None if the toolkit loads and reaches the display, else what went wrong (its output)."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBES[gui]],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"{gui}: no answer within {_PROBE_TIMEOUT:.0f} s"
    if result.returncode == 0:
        return None
    return f"{gui}: {result.stderr.strip() or f'exit code {result.returncode}'}"


def _is_display_failure(problem: str) -> bool:
    lowered = problem.lower()
    return any(marker in lowered for marker in _DISPLAY_FAILURES)


def _summary(problem: str) -> str:
    """One short line out of a probe's output: the line that says what failed."""
    gui, _, output = problem.partition(": ")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line.removeprefix("import: ") for line in lines] or ["failed"]
    markers = (*_DISPLAY_FAILURES, "could not", "cannot", "error")
    line = next((line for line in lines if any(m in line.lower() for m in markers)), lines[0])
    return f"{gui}: {line[:200]}"
