"""Access declared where the route is (api/policy.py): the table is built from the routes themselves, and
a route without a rule stops the start."""

import pytest
from fastapi import APIRouter, FastAPI

from api.policy import CLOSED, AccessPolicy, MissingRule, Need, requires


def app_with(*routes: tuple[str, list]) -> FastAPI:
    app, router = FastAPI(openapi_url=None, docs_url=None, redoc_url=None), APIRouter()
    for path, dependencies in routes:
        router.add_api_route(path, lambda: {}, methods=["GET"], dependencies=dependencies)
    app.include_router(router)  # included lazily, as composition/routes.py does
    return app


def test_the_table_is_read_from_the_routes_and_ids_in_paths_match() -> None:
    app = app_with(
        ("/api/stats", [requires(Need.VIEWER, tokens=True)]),
        ("/api/users/{user_id}/preferences", [requires(Need.ADMIN, tokens=True)]),
        ("/healthz", [requires(Need.OPEN, why="says only ok")]),
    )
    policy = AccessPolicy()
    policy.allow("/_nicegui/", Need.OPEN, why="NiceGUI's files")
    policy.adopt(app.routes)
    assert policy.rule_for("/api/stats").need == Need.VIEWER
    assert policy.rule_for("/api/users/42/preferences").need == Need.ADMIN
    assert policy.rule_for("/healthz").describe() == "open (says only ok)"
    assert policy.rule_for("/_nicegui/3.0/static/vue.js").need == Need.OPEN
    assert policy.rule_for("/api/users/42/nothing-here") == CLOSED, "no route: an admin's"
    assert policy.rule_for("/api/statsx") == CLOSED


def test_a_route_without_a_rule_stops_the_start() -> None:
    app = app_with(("/api/stats", [requires(Need.VIEWER)]), ("/api/forgotten", []))
    with pytest.raises(MissingRule, match=r"/api/forgotten: no access rule; give it dependencies=\[requires"):
        AccessPolicy().adopt(app.routes)


def test_one_path_with_two_different_rules_stops_the_start() -> None:
    """What happened to /api/users/ once: two modules declared it, the first silently won."""
    app = app_with(
        ("/api/users/{id}/a", [requires(Need.ADMIN)]), ("/api/users/{id}/a", [requires(Need.VIEWER)])
    )
    with pytest.raises(MissingRule, match="two routes give it different access rules"):
        AccessPolicy().adopt(app.routes)


def test_allow_is_only_for_prefixes_of_routes_airdate_does_not_define() -> None:
    with pytest.raises(ValueError, match="allow\\(\\) is for the prefix"):
        AccessPolicy().allow("/api/stats", Need.OPEN)
