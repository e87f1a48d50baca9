"""How this process serves: where it listens, its database, the live feed and its SSE streams, and its
place among replicas that share one database."""

from typing import Literal

from pydantic import Field

from .base import Group, WebAddress, flat_names


class ServerSettings(Group):
    host: str = Field("127.0.0.1", description="address to listen on (0.0.0.0 for all interfaces)")
    port: int = Field(8080, ge=1, le=65535, description="HTTP port")
    native: bool = Field(False, description="open the dashboard in a native desktop window")
    public_url: WebAddress = Field(
        "",
        description="the address people open Airdate at, for the links in messages "
        "(e.g. https://airdate.example.org; empty: http://localhost:PORT)",
    )
    storage_path: str = Field(
        ".nicegui", description="folder for per-browser choices (theme, refresh interval); must be writable"
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="seconds a client has to send a request's headers (then 408)"
    )
    shutdown_grace: float = Field(1.0, ge=0, description="seconds open streams get when stopping")
    health_timeout: float = Field(5.0, gt=0, description="seconds /healthz waits for the database")


class DatabaseSettings(Group):
    url: str = Field(
        "sqlite:///airdate.sqlite3",
        validation_alias="database_url",
        description="SQLAlchemy URL of the database",
    )
    recount: bool = Field(False, description="rebuild the stats counters from the tables, print them, exit")


class LiveSettings(Group):
    stats_interval: float = Field(5.0, gt=0, description="seconds between two reads of the stats")
    log_events_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="lowest level of log records sent as log events"
    )


class SseSettings(Group):
    model_config = flat_names("sse_")

    keepalive: float = Field(15.0, gt=0, description="seconds between keepalive comments on /sse")
    queue_size: int = Field(256, ge=1, description="events a slow SSE reader may fall behind")
    send_timeout: float = Field(30.0, gt=0, description="seconds a write to a stalled SSE reader may take")
    replay_events: int = Field(
        1000,
        ge=0,
        validation_alias="replay_events",
        description="events kept for readers that resume (Last-Event-ID)",
    )
    replay_seconds: float = Field(
        900.0,
        ge=0,
        validation_alias="replay_seconds",
        description="seconds events are kept for resuming readers",
    )


class ReplicaSettings(Group):
    """This process among several serving one database."""

    name: str = Field(
        "",
        pattern=r"^[A-Za-z0-9._-]*$",
        validation_alias="replica_name",
        description="this replica's name in log events, /metrics, the page footer and the sticky cookie "
        "(empty: the host name)",
    )
    job_lease: float = Field(
        30.0,
        gt=0,
        description="seconds a running action's replica may go without renewing it before another replica "
        "marks it failed (the replica died)",
    )
