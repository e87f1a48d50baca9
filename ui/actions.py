"""The console's action buttons: one run at a time per action, with progress, counts and a result."""

from nicegui import ui

from data import DatabaseError
from data.models import JobStatus
from services.actions import ACTIONS
from services.job import Job
from services.jobs import Jobs
from services.principals import LOCAL

from .pacing import Pacer
from .time_text import TimeText

PROGRESS_PACE = 0.5  # seconds: a running job's progress redraws a viewer's button at most twice a second

LABELS = {
    "sync-users": ("Sync users", "group_add"),
    "sync-requests": ("Sync requests", "sync"),
    "import-episodes": ("Import episodes", "download"),
    "read-calendar": ("Read calendar", "event"),
    "send-pending": ("Send pending", "send"),
    "retry-failed": ("Retry failed", "replay"),
}


class ActionButton(ui.column):
    def __init__(self, jobs: Jobs, action: str, started_by: str) -> None:
        super().__init__()
        self.classes("gap-1 min-w-40")
        self.jobs = jobs
        self.action = action
        self.started_by = started_by
        self.mine: set[str] = set()  # jobs this viewer started: only they end in a notification here
        self.pacer = Pacer(PROGRESS_PACE)
        self.job_shown: str | None = None  # the running job the button shows
        title, icon = LABELS[action]
        with self:
            self.button = (
                ui.button(title, icon=icon, on_click=self.start)
                .props(f'no-caps aria-label="{title}"')
                .mark(f"action-{action}")
            )
            self.bar = (
                ui.linear_progress(value=0, show_value=False).props("instant-feedback").classes("w-full")
            )
            self.counts = ui.label("").classes("text-xs text-gray-500").mark(f"action-{action}-counts")
            with ui.row().classes("gap-1 text-xs text-gray-500 items-baseline") as self.when:
                ui.label("last run")
                self.finished = TimeText(mode="relative").mark(f"action-{action}-finished")
        self.bar.set_visibility(False)
        self.when.set_visibility(False)
        if (job := jobs.latest(action)) is not None:  # running now, or how the last run went
            self.show(job)
        stop = jobs.listen(self._on_job)
        ui.context.client.on_delete(stop)
        ui.context.client.on_delete(self.pacer.cancel)

    async def start(self) -> None:
        title = LABELS[self.action][0]
        try:
            job, started = await self.jobs.start(self.action, started_by=self.started_by)
        except DatabaseError as error:
            ui.notify(f"{title} could not start: {error}", type="negative")
            return
        if started:
            self.mine.add(job.id)
        else:
            ui.notify(f"{title} is already running", type="info")

    def show(self, job: Job) -> None:
        self.job_shown = job.id if job.running else None
        progress = job.progress
        self.button.set_enabled(not job.running)
        self.bar.set_visibility(job.running)
        self.bar.set_value(progress.done / progress.total if progress.total else 0)
        total = f" of {progress.total}" if progress.total is not None else ""
        detail = f"{progress.done}{total} · {progress.summary()}" if job.running else self._result(job)
        by = f" · by {job.started_by}" if job.started_by not in ("", LOCAL.who) else ""
        self.counts.set_text(detail + by)
        self.when.set_visibility(job.finished_at is not None)
        self.finished.set_moment(job.finished_at)

    def _on_job(self, job: Job) -> None:
        if job.action != self.action:
            return
        newest = self.jobs.latest(self.action) or job  # an older run heard of late does not cover it
        if newest.running and newest.id == self.job_shown:  # one more step of the run on show: paced
            self.pacer.call(lambda: self.show(newest))
        else:  # a run starting or ending shows at once
            self.pacer.cancel()
            self.show(newest)
        if not job.running and job.id in self.mine:
            self.mine.discard(job.id)
            kind = "positive" if job.status == JobStatus.SUCCEEDED and not job.progress.failed else "warning"
            kind = "negative" if job.status == JobStatus.FAILED else kind
            with self:  # this viewer's page, whatever task finished the job
                ui.notify(f"{LABELS[job.action][0]}: {self._result(job)}", type=kind, multi_line=True)

    @staticmethod
    def _result(job: Job) -> str:
        return job.result()


class ActionPanel(ui.card):
    def __init__(self, jobs: Jobs, started_by: str) -> None:
        super().__init__()
        self.classes("w-full").mark("actions")
        with self:
            ui.label("Actions").classes("text-lg font-medium")
            with ui.row().classes("w-full gap-4 items-start"):
                self.buttons = {action: ActionButton(jobs, action, started_by) for action in ACTIONS}
