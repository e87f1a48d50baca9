"""The Docker image as its users meet it: it builds, runs as its non-root user with /data its only
writable place, answers /healthz, passes its own HEALTHCHECK command, keeps its database and NiceGUI
storage across a restart, stops within 2 s of SIGTERM with streams open, and runs the demo."""

import asyncio
import contextlib
import os
import time
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from ..browser.conftest import ARGS, CHROMIUM
from ..utils.waiting import until
from .conftest import PORT, Chroot, Image, healthy, stop

pytestmark = pytest.mark.image

ADMIN = {"AIRDATE_ADMIN_USER": "admin", "AIRDATE_ADMIN_PASSWORD": "image-test-password"}
ADD_TOKEN = ["python", "main.py", "tokens", "add", "reader", "--scope", "read"]
SIGN_IN = {"username": "admin", "password": ADMIN["AIRDATE_ADMIN_PASSWORD"]}


def written_outside_data(root: Path, since: float) -> list[str]:
    """Files changed since ``since`` anywhere in the image's tree but /data (and /proc, /dev)."""
    changed = []
    for folder, subfolders, files in os.walk(root):
        if Path(folder) == root:  # not into the volume, nor the mounted /proc and /dev
            subfolders[:] = [name for name in subfolders if name not in ("data", "proc", "dev")]
        for name in [*subfolders, *files]:
            path = Path(folder, name)
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime > since:
                    changed.append("/" + str(path.relative_to(root)))
    return changed


async def test_the_image_runs_as_its_user_and_keeps_data_in_data(image: Image, chroot: Chroot) -> None:
    print(f"\n[image] {image.name}: {image.size / 1e6:.0f} MB, user {image.user}, command {image.command}")
    assert image.user not in ("", "root", "0")
    before, started = time.time(), time.monotonic()
    process = chroot.start(ADMIN)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = await chromium.new_context()
        try:
            took = await asyncio.to_thread(healthy, 60, started)
            print(f"[image] healthy {took:.1f} s after start")
            health = await asyncio.to_thread(chroot.run, image.healthcheck)  # its HEALTHCHECK, inside
            assert health.returncode == 0, health.stderr
            made = await asyncio.to_thread(
                chroot.run, ["python", "main.py", "tokens", "add", "reader"], ADMIN
            )
            assert made.returncode == 0, made.stderr
            token = made.stdout.strip()
            page = await context.new_page()
            await page.goto(f"http://127.0.0.1:{PORT}/")
            await page.get_by_role("textbox", name="User name").fill(SIGN_IN["username"])
            await page.get_by_role("textbox", name="Password").fill(SIGN_IN["password"])
            await page.get_by_role("button", name="Sign in").click()
            await page.get_by_role("combobox", name="Refresh interval").click()
            await page.get_by_role("option", name="30 s").click()
            await expect(page.get_by_role("combobox", name="Refresh interval")).to_have_value("30 s")
            await page.close()
        finally:
            await asyncio.to_thread(stop, process)
        assert (chroot.root / "data/airdate.sqlite3").exists()
        assert any((chroot.root / "data/nicegui").glob("storage-user-*.json")), "choices kept in /data"
        assert written_outside_data(chroot.root, before) == [], chroot.printed()[-2000:]

        again = chroot.start({})  # a restart: no AIRDATE_ADMIN_* this time
        try:
            await asyncio.to_thread(healthy)
            bearer = {"Authorization": f"Bearer {token}"}
            answer = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{PORT}/api/stats", headers=bearer)
            assert answer.status_code == 200, "the token made in the first run is in /data"
            page = await context.new_page()  # the same browser: its sign-in and choices came back
            await page.goto(f"http://127.0.0.1:{PORT}/")
            await expect(page.get_by_role("combobox", name="Refresh interval")).to_have_value("30 s")
        finally:
            await asyncio.to_thread(stop, again)
            await chromium.close()


async def test_sigterm_with_streams_open_stops_it_within_2_s(image: Image, chroot: Chroot) -> None:
    process = chroot.start(ADMIN)
    try:
        await asyncio.to_thread(healthy)
        made = chroot.run(ADD_TOKEN, ADMIN)
        token = made.stdout.strip()
        curl = ["curl", "-sN", "-H", f"Authorization: Bearer {token}", f"http://127.0.0.1:{PORT}/sse/stats"]
        streams = [
            await asyncio.create_subprocess_exec(*curl, stdout=asyncio.subprocess.PIPE) for _ in range(3)
        ]
        for stream in streams:
            assert stream.stdout is not None
            await asyncio.wait_for(stream.stdout.readuntil(b"data:"), 10)  # each one is streaming
    finally:
        took = await asyncio.to_thread(stop, process)
    print(f"\n[image] SIGTERM with 3 curl -N streams open: stopped in {took:.2f} s")
    assert took <= 2.0
    for stream in streams:
        assert await asyncio.wait_for(stream.wait(), 5) == 0, "curl saw the stream end cleanly"


def test_the_demo_starts_with_an_admin_from_the_environment(image: Image, chroot: Chroot) -> None:
    process = chroot.start(ADMIN, ["python", "main.py", "--demo"])
    try:
        healthy()
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}") as client:
            signed = client.post("/login", data=SIGN_IN)
            assert signed.status_code == 303
            until(lambda: client.get("/api/stats").json()["users"] > 0, within=30, what="the demo's users")
    finally:
        stop(process)
    assert (chroot.root / "data/airdate-demo.sqlite3").exists()
