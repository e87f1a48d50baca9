"""``POST /api/actions/{action}`` starts a job; ``GET /api/jobs/{id}`` tells how it is going."""

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from data import DatabaseError
from data.jobs import KEEP_JOBS
from services.jobs import Jobs

from .policy import Caller, Need, requires, who


def create_router(jobs: Jobs) -> APIRouter:
    router = APIRouter(tags=["actions"])

    @router.post(
        "/api/actions/{action}",
        dependencies=[requires(Need.ADMIN, tokens=True)],
        summary="Start an action (one run at a time per action)",
        status_code=202,
        responses={
            404: {"description": "no such action"},
            409: {"description": "already running (on any replica)"},
            503: {"description": "database unreachable"},
        },
    )
    async def start(action: str, caller: Caller) -> JSONResponse:
        try:
            job, started = await jobs.start(action, started_by=who(caller))
        except KeyError:
            raise HTTPException(404, f"no action {action!r}: choose from {', '.join(jobs.actions)}") from None
        except DatabaseError as error:
            raise HTTPException(503, f"cannot start {action}: {error}") from None
        body = {"job_id": job.id, "started": started, **job.to_json()}
        return JSONResponse(body, status_code=202 if started else 409)

    @router.get(
        "/api/jobs/{job_id}",
        dependencies=[requires(Need.VIEWER, tokens=True)],
        summary="A job's status, progress and result (any replica's)",
        responses={404: {"description": "no such job"}, 503: {"description": "database unreachable"}},
    )
    async def status(job_id: str) -> JSONResponse:
        try:
            job = await jobs.get(job_id)
        except DatabaseError as error:
            raise HTTPException(503, f"cannot look job {job_id!r} up: {error}") from None
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (the newest {KEEP_JOBS} jobs are kept)")
        return JSONResponse(job.to_json())

    return router
