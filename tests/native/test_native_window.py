"""`python main.py --native`: the dashboard in its own window (pywebview), or one line saying what is missing.

The window tests run under a private Xvfb and are marked `native`; they skip, saying why, where pywebview's
Qt backend or the X tools (`make test-native` installs both) are missing. The tests without a backend
always run.
"""

import contextlib
import importlib.util
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import native
from native import NATIVE_APT_PACKAGES, NativeBackendError, find_native_backend

from ..utils.server import ROOT, free_port
from ..utils.server import airdate_env as child_env
from .x11 import WIDTH, Geometry, Xvfb, missing_tools, region_difference

TITLE = "Airdate$"  # "Airdate" at first, then the page's title, e.g. "Dashboard · Airdate"
TILES = (64, 160)  # rows of the stat tiles, from the top of the 1280x860 window (below the header)


def start_native(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`python main.py --native` in a session of its own, so that every process it leaves can be found."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--native"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def session_processes(session: int) -> list[str]:
    """Processes still alive in a session (zombies not counted), as 'pid command'."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if entry.name.isdigit() and fields[0] != "Z" and int(fields[3]) == session:
            found.append(f"{entry.name} {stat[stat.find('(') + 1 : stat.rfind(')')]}")
    return found


def wait_until_gone(session: int, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def kill_session(process: subprocess.Popen) -> None:
    """Clean up after a failed test: whatever is left of the session the test started."""
    for pid in (int(line.split()[0]) for line in session_processes(process.pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(5)


def one_line(output: str) -> str:
    assert "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


# --- without a usable backend: always run -------------------------------------------------------------


def run_without_window(env: dict[str, str], tmp_path: Path) -> str:
    """Run `main.py --native` where no window can open; it must end at once, leaving nothing behind."""
    process = start_native(env, tmp_path / "native.log")
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        kill_session(process)
        pytest.fail(f"--native did not exit within 10 s: {(tmp_path / 'native.log').read_text()}")
    assert process.returncode == 2  # the exit code of every start-up refusal
    assert wait_until_gone(process.pid, 2) == []
    return one_line((tmp_path / "native.log").read_text())


def test_without_a_display_native_exits_at_once_naming_what_is_missing(tmp_path: Path) -> None:
    env = {
        k: v for k, v in child_env(port=str(free_port())).items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    message = run_without_window(env, tmp_path)
    assert message.startswith("airdate: --native "), message
    assert "DISPLAY" in message or "pip install '.[native]'" in message, message


def test_with_a_display_that_is_not_there_native_exits_at_once(tmp_path: Path) -> None:
    number = next(n for n in range(4242, 4342) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = {**child_env(port=str(free_port())), "DISPLAY": f":{number}"}
    env.pop("WAYLAND_DISPLAY", None)
    message = run_without_window(env, tmp_path)
    assert message.startswith("airdate: --native "), message
    assert f"on display :{number}" in message or "pip install '.[native]'" in message, message


def fake_backends(monkeypatch: pytest.MonkeyPatch, webview: bool = True, **problems: str | None) -> None:
    """Pretend pywebview is (not) installed and each toolkit probe answers ``problems[gui]``."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: (
            (object() if webview else None) if name == "webview" else real_find_spec(name, *args)
        ),
    )
    monkeypatch.setattr(native, "_probe", lambda gui, env: problems.get(gui, f"{gui}: import: not here"))


def test_without_pywebview_the_message_names_the_extra_and_the_system_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_backends(monkeypatch, webview=False)
    with pytest.raises(NativeBackendError) as error:
        find_native_backend({"DISPLAY": ":0"})
    assert "make native" in str(error.value) and "pip install '.[native]'" in str(error.value)
    assert f"apt-get install {NATIVE_APT_PACKAGES};" in str(error.value)


def test_a_toolkit_that_does_not_load_is_named_with_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backends(
        monkeypatch,
        qt="qt: import: ImportError: libnss3.so: cannot open shared object file: No such file or directory",
        gtk="gtk: import: ModuleNotFoundError: No module named 'gi'",
    )
    with pytest.raises(NativeBackendError) as error:
        find_native_backend({"DISPLAY": ":0"})
    message = str(error.value)
    assert message.startswith("--native cannot load a GUI toolkit (qt: ImportError: libnss3.so: cannot open")
    assert f"apt-get install {NATIVE_APT_PACKAGES};" in message
    assert "\n" not in message


def test_qt_aborting_without_its_display_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Qt 6 prints before it aborts, including its misleading hint about xcb-cursor0."""
    fake_backends(
        monkeypatch,
        qt="qt: qt.qpa.xcb: could not connect to display :9\n"
        "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb "
        "platform plugin.\n"
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.\n'
        "This application failed to start because no Qt platform plugin could be initialized.",
    )
    with pytest.raises(NativeBackendError) as error:
        find_native_backend({"DISPLAY": ":9"})
    assert str(error.value).startswith(
        "--native cannot open a window on display :9 (qt: qt.qpa.xcb: could not connect to display :9)"
    )


def test_the_first_toolkit_that_works_is_used_pywebview_gui_first(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backends(monkeypatch, qt=None, gtk=None)
    assert find_native_backend({"DISPLAY": ":0"}) == "qt"
    assert find_native_backend({"DISPLAY": ":0", "PYWEBVIEW_GUI": "GTK"}) == "gtk"
    fake_backends(monkeypatch, gtk=None)
    assert find_native_backend({"WAYLAND_DISPLAY": "wayland-0"}) == "gtk"


def test_make_native_installs_the_packages_the_message_names() -> None:
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^NATIVE_APT\s*:?=\s*(.+)$", makefile, re.MULTILINE)
    assert listed is not None, "Makefile has no NATIVE_APT list"
    assert listed.group(1).split() == NATIVE_APT_PACKAGES.split()
    readme = (ROOT / "README.md").read_text()
    assert all(package in readme for package in NATIVE_APT_PACKAGES.split())


# --- the window itself, under Xvfb --------------------------------------------------------------------


@pytest.fixture
def xserver(tmp_path: Path) -> Iterator[Xvfb]:
    if missing := missing_tools():
        pytest.skip(f"native window test needs {', '.join(missing)} (`make test-native` installs them)")
    server = Xvfb(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def native_app(xserver: Xvfb, airdate_env: str, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`main.py --native` on the private display, reading the stats every 0.5 s."""
    env = {**airdate_env_for(xserver), "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    try:
        find_native_backend(env)
    except NativeBackendError as error:
        pytest.skip(f"no native backend here (`make native` installs it): {error}")
    process = start_native(env, tmp_path / "native.log")
    yield process
    kill_session(process)


def airdate_env_for(xserver: Xvfb) -> dict[str, str]:
    env = child_env(port=str(free_port()), stats_interval="0.5")
    env.pop("WAYLAND_DISPLAY", None)
    return {**env, "DISPLAY": xserver.display}


def open_window(xserver: Xvfb, process: subprocess.Popen, log: Path) -> int:
    window = xserver.find_window(TITLE, timeout=30)
    if window is None:
        xserver.screenshot(log.with_name("no-window.png"))
        pytest.fail(f"no window titled {TITLE!r}; windows: {xserver.window_names()}; log: {log.read_text()}")
    assert process.poll() is None
    return window


def tiles_box(xserver: Xvfb, window: int) -> Geometry:
    where = xserver.geometry(window)
    assert (where.width, where.height) == (1280, 860)
    return Geometry(where.x, where.y + TILES[0], where.width, TILES[1])


def wait_for_steady_tiles(xserver: Xvfb, box: Geometry, shots: Path, timeout: float = 30) -> bytes:
    """A screenshot once the tiles are drawn: not blank, and the same in three shots in a row."""
    deadline = time.monotonic() + timeout
    previous, same = b"", 0
    while time.monotonic() < deadline:
        shot = xserver.screenshot()
        drawn = _colours(shot, box) > 2  # a blank window has one
        same = same + 1 if drawn and previous and region_difference(previous, shot, box) == 0 else 0
        if same >= 2:
            xserver.screenshot(shots / "before.png")
            return shot
        previous = shot
        time.sleep(0.5)
    xserver.screenshot(shots / "never-steady.png")
    pytest.fail(f"the tiles never settled; see {shots / 'never-steady.png'}")


def _colours(shot: bytes, box: Geometry) -> int:
    rows = (shot[(row * WIDTH + box.x) * 3 :][: box.width * 3] for row in range(box.y, box.y + box.height))
    return len({line[i : i + 3] for line in rows for i in range(0, len(line), 3)})


def add_raw_users(database_url: str, count: int) -> None:
    """Written by another process: only the app's stats timer can notice it."""
    connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    for i in range(count):
        connection.execute(
            f"INSERT INTO users (username, email, created_at) VALUES ('n{i}', 'x', '2026-01-01')"
        )
    connection.close()


@pytest.mark.native
def test_the_window_shows_live_tiles_and_closing_it_stops_the_server(
    xserver: Xvfb, native_app: subprocess.Popen, airdate_env: str, tmp_path: Path
) -> None:
    window = open_window(xserver, native_app, tmp_path / "native.log")
    box = tiles_box(xserver, window)
    before = wait_for_steady_tiles(xserver, box, tmp_path)

    add_raw_users(airdate_env, 3)
    deadline = time.monotonic() + 10
    while region_difference(before, xserver.screenshot(), box) == 0:
        assert time.monotonic() < deadline, f"the tiles did not change after a write; see {tmp_path}"
        time.sleep(0.25)
    xserver.screenshot(tmp_path / "after.png")

    xserver.close_window(window)
    native_app.wait(5)  # raises TimeoutExpired if the server outlives its window
    assert wait_until_gone(native_app.pid, 5) == []
    assert xserver.window_ids(TITLE) == []


@pytest.mark.native
def test_stopping_the_server_closes_the_window(
    xserver: Xvfb, native_app: subprocess.Popen, tmp_path: Path
) -> None:
    window = open_window(xserver, native_app, tmp_path / "native.log")
    wait_for_steady_tiles(xserver, tiles_box(xserver, window), tmp_path)  # the page is loaded and live
    assert window in xserver.window_ids(TITLE)
    native_app.send_signal(signal.SIGTERM)
    native_app.wait(5)
    assert wait_until_gone(native_app.pid, 5) == [], "the window process outlived the server"
    assert xserver.window_ids(TITLE) == []
