"""The Messages page's API: admins (and admin tokens) only; a template that would not render is a 422
with its line and nothing is kept; a good one is the new version; restore; the preview renders drafts."""

import pytest

from application import Airdate
from data import Database, templates
from services.access import Access
from tests.utils.console import Console

from .test_access import ELSEWHERE, PASSWORDS, client, signed_in


@pytest.fixture
def settings(settings, database: Database):
    access = Access(database)
    access.add_account("alice", PASSWORDS["alice"], "admin", by="test")
    access.add_account("vic", PASSWORDS["vic"], "viewer", by="test")
    return settings


ROUTES = [
    ("GET", "/messages", None),
    ("GET", "/api/message-templates/subject", None),
    ("PUT", "/api/message-templates/subject", {"source": "Hi"}),
    ("POST", "/api/message-templates/versions/1/restore", None),
    ("POST", "/api/message-preview", {"drafts": {"subject": "Hi"}}),
]


async def test_a_viewer_or_nobody_cannot_open_the_messages_page_or_its_api(
    console: Console, airdate: Airdate
) -> None:
    vic, nobody = await signed_in(console, "vic"), client(console, ELSEWHERE)
    for method, path, body in ROUTES:
        headers = {"Accept": "application/json", "Origin": "http://localhost"}
        assert (await vic.request(method, path, json=body, headers=headers)).status_code == 403, path
        assert (await nobody.request(method, path, json=body, headers=headers)).status_code == 401, path
    assert airdate.database.read(templates.versions, "subject", "") == []


async def test_an_admin_saves_is_refused_restores_and_previews(console: Console, airdate: Airdate) -> None:
    alice = await signed_in(console, "alice")
    headers = {"Origin": "http://localhost"}
    put = "/api/message-templates/subject"
    refused = await alice.put(put, json={"source": "Hi\n{{ nobody }}"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "line 2: unknown variable 'nobody': use episodes, links, person, shows",
        "line": 2,
    }
    first = (await alice.put(put, json={"source": "One {{ person.name }}"}, headers=headers)).json()
    assert first["author"] == "alice" and first["kind"] == "subject"
    await alice.put(put, json={"source": "Two"}, headers=headers)
    restored = await alice.post(f"/api/message-templates/versions/{first['id']}/restore", headers=headers)
    assert restored.json()["source"] == "One {{ person.name }}"
    listed = (await alice.get(put)).json()["versions"]
    assert [v["source"] for v in listed] == ["One {{ person.name }}", "Two", "One {{ person.name }}"]
    assert (
        await alice.post("/api/message-templates/versions/999/restore", headers=headers)
    ).status_code == 404
    shown = await alice.post(
        "/api/message-preview",
        json={"drafts": {"subject": "Hey {{ person.name }}"}},
        headers=headers,
    )
    assert shown.json()["subject"] == "Hey Sam Sample" and shown.json()["person"] == "sample data"
