"""HTTP routes for programs: SSE, JSON, health and metrics."""

from .routes import create_router

__all__ = ["create_router"]
