"""Just enough X11 for the native-window tests: a private Xvfb, window lookup, screenshots, closing."""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("Xvfb", "xdotool", "import")  # import: ImageMagick's screenshot tool
WIDTH, HEIGHT = 1600, 1000


def missing_tools() -> list[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if ctypes.util.find_library("X11") is None:
        missing.append("libX11")
    return missing


@dataclass
class Geometry:
    x: int
    y: int
    width: int
    height: int


class Xvfb:
    """An X server of its own on a free display number; no window manager."""

    def __init__(self, directory: Path) -> None:
        read, write = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=(directory / "xvfb.log").open("w"),
        )
        os.close(write)
        with os.fdopen(read) as answer:
            number = answer.readline().strip()  # Xvfb writes its display number once it accepts clients
        if not number:
            self.stop()
            raise RuntimeError(f"Xvfb did not start: {(directory / 'xvfb.log').read_text()}")
        self.display = f":{number}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def find_window(self, title: str, timeout: float) -> int | None:
        """The id of a window whose title matches the regular expression ``title``, once one shows up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self._xdotool("search", "--onlyvisible", "--name", title)
            if found:
                return int(found.split()[0])
            time.sleep(0.2)
        return None

    def window_ids(self, title: str) -> list[int]:
        """Every window, mapped or not, whose title matches the regular expression ``title``."""
        return [int(line) for line in self._xdotool("search", "--name", title).split()]

    def window_names(self) -> list[str]:
        """Every named window, visible or not (for messages)."""
        ids = self._xdotool("search", "--name", ".").split()
        return [self._xdotool("getwindowname", window).strip() for window in ids]

    def geometry(self, window: int) -> Geometry:
        values = dict(
            line.split("=", 1)
            for line in self._xdotool("getwindowgeometry", "--shell", str(window)).splitlines()
            if "=" in line
        )
        return Geometry(int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))

    def screenshot(self, png: Path | None = None) -> bytes:
        """The whole screen as raw RGB bytes (WIDTH * HEIGHT * 3); also written to ``png`` if given."""
        if png is not None:
            subprocess.run(["import", "-display", self.display, "-window", "root", str(png)], check=True)
        return subprocess.run(
            ["import", "-display", self.display, "-window", "root", "-depth", "8", "rgb:-"],
            check=True,
            capture_output=True,
        ).stdout

    def close_window(self, window: int) -> None:
        """What a window manager does for the title bar's close button: send WM_DELETE_WINDOW."""
        xlib = ctypes.CDLL(ctypes.util.find_library("X11"))
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XInternAtom.restype = ctypes.c_ulong
        xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        xlib.XSendEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_long,
            ctypes.c_void_p,
        ]
        xlib.XFlush.argtypes = [ctypes.c_void_p]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        display = xlib.XOpenDisplay(self.display.encode())
        if not display:
            raise RuntimeError(f"cannot open display {self.display}")
        try:
            event = _XEvent()
            event.xclient.type = 33  # ClientMessage
            event.xclient.window = window
            event.xclient.message_type = xlib.XInternAtom(display, b"WM_PROTOCOLS", False)
            event.xclient.format = 32
            event.xclient.data[0] = xlib.XInternAtom(display, b"WM_DELETE_WINDOW", False)
            event.xclient.data[1] = 0  # CurrentTime
            if not xlib.XSendEvent(display, window, False, 0, ctypes.byref(event)):
                raise RuntimeError("XSendEvent failed")
            xlib.XFlush(display)
        finally:
            xlib.XCloseDisplay(display)

    def _xdotool(self, *args: str) -> str:
        return subprocess.run(
            ["xdotool", *args], env=self.env(), capture_output=True, text=True, check=False
        ).stdout


class _XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _XClientMessageEvent), ("pad", ctypes.c_long * 24)]


def region_difference(before: bytes, after: bytes, box: Geometry) -> int:
    """How many pixels inside ``box`` (screen coordinates) differ between two RGB screenshots."""
    changed = 0
    for row in range(box.y, box.y + box.height):
        start = (row * WIDTH + box.x) * 3
        end = start + box.width * 3
        a, b = before[start:end], after[start:end]
        if a != b:
            changed += sum(a[i : i + 3] != b[i : i + 3] for i in range(0, len(a), 3))
    return changed
