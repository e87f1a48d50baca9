"""The shipped deploy files agree with each other and with Airdate (Docker does not run here: the
compose file is checked for its structure, not started)."""

import re
from pathlib import Path

import pytest

from api.guard import MAX_BODY, REPLICA_COOKIE
from settings import Settings, SseSettings, flat_fields, groups_of
from standins.nginx import SHIPPED, render

yaml = pytest.importorskip("yaml")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = SHIPPED.read_text()
REPLICAS = ("airdate1", "airdate2", "airdate3")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def location(path: str) -> str:
    """The body of ``location <path> { ... }`` in the shipped nginx.conf."""
    found = re.search(rf"location {re.escape(path)} \{{(.*?)\n        \}}", NGINX, re.DOTALL)
    assert found is not None, path
    return found.group(1)


def test_compose_runs_postgres_three_replicas_and_nginx() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", *REPLICAS, "nginx"}
    assert services["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert list(compose()["volumes"]) == ["postgres-data"]
    proxy = services["nginx"]["networks"]["airdate"]["ipv4_address"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert set(services["nginx"]["depends_on"]) == set(REPLICAS)
    images = set()
    for name in REPLICAS:
        replica = services[name]
        environment = replica["environment"]
        assert environment["AIRDATE_REPLICA_NAME"] == name
        assert environment["AIRDATE_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in environment["AIRDATE_DATABASE_URL"]
        assert environment["AIRDATE_TRUSTED_PROXIES"] == proxy
        assert "/healthz" in " ".join(replica["healthcheck"]["test"])
        assert replica["build"] == {"context": "..", "dockerfile": "Dockerfile"}
        images.add(replica["image"])
    assert len(images) == 1, "one image for every replica"
    assert (DEPLOY.parent / "Dockerfile").exists()
    for name, service in services.items():
        assert "healthcheck" in service, name
    used = {key for name in REPLICAS for key in services[name]["environment"]}
    assert used <= {f"AIRDATE_{key.upper()}" for key in flat_fields(groups_of(Settings))}, used


def test_nginx_routes_pages_by_the_cookie_airdate_sets() -> None:
    assert f"map $cookie_{REPLICA_COOKIE} $airdate_sticky" in NGINX
    for name in REPLICAS:
        assert f"        {name} {name};" in NGINX, "the map's key is the AIRDATE_REPLICA_NAME"
        assert f"upstream {name} {{ server {name}:8080; }}" in NGINX
        assert f"server {name}:8080 max_fails=0;" in NGINX, "in the pool, never set aside (test_cluster.py)"
    for sticky in ("/", "/_nicegui_ws/"):
        body = location(sticky)
        assert "proxy_pass http://$airdate_sticky;" in body
        assert "error_page 502 504 = @airdate_pool;" in body, "a replica that is down: the pool answers"
    socket = location("/_nicegui_ws/")
    assert "proxy_set_header Upgrade $http_upgrade;" in socket
    assert "proxy_set_header Connection $connection_upgrade;" in socket
    assert "proxy_read_timeout 1h;" in socket
    assert "proxy_http_version 1.1;" in NGINX
    assert f"client_max_body_size {MAX_BODY // 1024 // 1024}m;" in NGINX


def test_nginx_streams_sse_from_any_replica_unbuffered() -> None:
    sse = location("/sse/")
    assert "proxy_pass http://airdate_pool;" in sse, "not sticky"
    for line in ("proxy_buffering off;", "proxy_cache off;", 'proxy_set_header Connection "";'):
        assert line in sse
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", sse)
    assert timeout is not None
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds > SseSettings.model_fields["keepalive"].default
    for block in ("/", "/_nicegui_ws/", "/sse/", "@airdate_pool"):
        body = location(block)
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in body, block
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in body, block
        assert "proxy_set_header Host $http_host;" in body, block


def test_rendering_changes_only_the_addresses_the_port_and_the_paths(tmp_path: Path) -> None:
    replicas = {name: f"127.0.0.1:{9000 + i}" for i, name in enumerate(REPLICAS)}
    rendered = render(NGINX, replicas, 8123, tmp_path)
    config = rendered.split("worker_processes", 1)[1]  # below the header comment
    assert "listen 127.0.0.1:8123;" in config and "listen 80;" not in config
    assert "airdate2:8080" not in config
    assert "upstream airdate2 { server 127.0.0.1:9001; }" in rendered
    assert f"proxy_temp_path {tmp_path / 'proxy'};" in rendered
    with pytest.raises(ValueError, match="names replicas"):
        render(NGINX, {"airdate1": "127.0.0.1:1"}, 8123, tmp_path)
