"""HTTP routes for programs: SSE, JSON, health and metrics."""

from .live_routes import create_router

__all__ = ["create_router"]
