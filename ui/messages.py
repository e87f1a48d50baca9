"""The Messages page (admins only): the admin's templates for a message's subject, e-mail text, e-mail
HTML and the channels' short form, with a live preview, the kept versions and one-click restore.

The use cases (checking, saving, auditing, versions, preview) are :mod:`services.message_templates`;
this page only edits and shows.
"""

import asyncio
import contextlib

from nicegui import background_tasks, ui

from api.policy import Need, requires
from data.clock import iso_utc
from services.message_templates import MessageTemplates, NotFound
from services.notifier import Notifier
from services.template_examples import EXAMPLES
from services.templating import KINDS, TemplateError

from .frame import Nav, frame
from .listings import LOCAL_TIME_CELL
from .principal import principal_of

DEBOUNCE = 0.4  # seconds of quiet typing before the preview is rendered again
SAMPLE = 0  # the "preview with" choice of sample data
COLUMNS = [
    {"name": "number", "label": "Version", "field": "number", "align": "left"},
    {"name": "author", "label": "By", "field": "author", "align": "left"},
    {"name": "created_at", "label": "When", "field": "created_at", "align": "left"},
    {"name": "summary", "label": "Template", "field": "summary", "align": "left"},
    {"name": "restore", "label": "", "field": "id", "align": "right"},
]
RESTORE = """
<q-td :props="props">
  <q-btn v-if="!props.row.current" flat dense no-caps icon="restore" label="Restore"
         :aria-label="'Restore version ' + props.row.number"
         @click="() => $parent.$emit('restore', props.row.id)" />
  <span v-else class="text-xs opacity-70">in force</span>
</q-td>
"""
HELP = (
    "Jinja2 templates, rendered in a sandbox. Variables: person (name, email, time_zone), shows (title, "
    "poster_url, watch_url, request_url, overview, episodes), episodes (show, code, title, aired, runtime, "
    "overview), links (manage, calendar, unsubscribe). Values are escaped for HTML and Markdown. An empty "
    "template means the built-in words; a template that fails when sending gives way to them."
)


def register(messages: MessageTemplates, notifier: Notifier, nav: Nav) -> None:
    @ui.page("/messages", dependencies=[requires(Need.ADMIN)])
    async def messages_page() -> None:
        principal = principal_of(ui.context.client)
        with frame("Messages", nav):
            page = MessagesPanel(messages, notifier, by=principal.who if principal else "?")
        await page.load()


class MessagesPanel(ui.column):
    def __init__(self, messages: MessageTemplates, notifier: Notifier, *, by: str) -> None:
        super().__init__()
        self.classes("w-full gap-4").mark("messages")
        self.messages, self.notifier, self.by = messages, notifier, by
        self.editors: dict[str, Editor] = {}
        self._pending: asyncio.Task | None = None
        with self:
            ui.label(HELP).classes("text-sm opacity-80 max-w-4xl")
            with ui.row().classes("items-end gap-4"):
                self.locale = ui.input("Language", placeholder="every language").props(
                    'outlined dense clearable aria-label="Language" hint="e.g. de; empty: every language"'
                )
                self.locale.on("change", self.load)
                self.person = ui.select({SAMPLE: "Sample data"}, value=SAMPLE, label="Preview with")
                self.person.props('outlined dense aria-label="Preview with"').classes("min-w-48")
                self.person.on_value_change(self.later)
            with ui.row().classes("w-full gap-4 items-start flex-nowrap max-lg:flex-wrap"):
                with ui.column().classes("w-full lg:w-1/2 gap-2"):
                    with ui.tabs().props("dense no-caps align=left") as tabs:
                        names = {kind: ui.tab(kind, label=_upper(label)) for kind, label in KINDS.items()}
                    with ui.tab_panels(tabs, value=names["subject"]).classes("w-full"):
                        for kind in KINDS:
                            with ui.tab_panel(names[kind]).classes("p-0"):
                                self.editors[kind] = Editor(self, kind)
                with ui.card().classes("w-full lg:w-1/2 gap-2").mark("message-preview"):
                    self.whose = ui.label().classes("text-sm opacity-70").mark("preview-whose")
                    self.subject = ui.label().classes("font-medium").mark("preview-subject")
                    self.subject.props('data-testid="preview-subject"')
                    self.errors = ui.label().classes("text-negative text-sm whitespace-pre-wrap")
                    self.errors.mark("preview-errors")
                    with ui.tabs().props("dense no-caps align=left") as shown:
                        as_html, as_text, as_short = ui.tab("HTML"), ui.tab("Text"), ui.tab("Short form")
                    with ui.tab_panels(shown, value=as_html).classes("w-full"):
                        with ui.tab_panel(as_html).classes("p-0"):
                            # its own document, scripts off: the message's styles cannot touch the console
                            self.html = ui.element("iframe").classes("w-full h-96 bg-white rounded")
                            self.html.props.update(sandbox="", title="The e-mail as HTML")
                            self.html.mark("preview-html")
                        with ui.tab_panel(as_text).classes("p-0"):
                            self.text = ui.label().classes("whitespace-pre-wrap font-mono text-sm p-2")
                            self.text.mark("preview-text")
                        with ui.tab_panel(as_short).classes("p-0"):
                            self.short = ui.label().classes("whitespace-pre-wrap font-mono text-sm p-2")
                            self.short.mark("preview-short")

    @property
    def language(self) -> str:
        return (self.locale.value or "").strip()

    async def load(self) -> None:
        people = await self.messages.people()
        self.person.set_options({SAMPLE: "Sample data"} | dict(people), value=self.person.value)
        for editor in self.editors.values():
            await editor.load()
        await self.render()

    def later(self) -> None:
        """Render the preview once typing pauses for DEBOUNCE seconds."""
        if self._pending is not None:
            self._pending.cancel()
        self._pending = background_tasks.create(self._after_pause(), name="messages preview")

    async def _after_pause(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(DEBOUNCE)
            await self.render()

    async def render(self) -> None:
        drafts = {kind: editor.source.value or "" for kind, editor in self.editors.items()}
        user_id = self.person.value or None
        try:
            shown = await self.messages.preview(drafts, user_id, self.notifier.look, self.notifier.links)
        except LookupError:  # the person was removed meanwhile: sample data
            shown = await self.messages.preview(drafts, None, self.notifier.look, self.notifier.links)
        self.whose.text = f"Preview with {shown.person}"
        self.subject.text = f"Subject: {shown.subject}"
        self.errors.text = "\n".join(f"{_upper(KINDS[kind])}: {why}" for kind, why in shown.errors.items())
        self.html.props["srcdoc"] = shown.html
        self.html.update()
        self.text.text, self.short.text = shown.text, shown.markdown


class Editor(ui.column):
    """One template: its text, save, the example, and its kept versions."""

    def __init__(self, page: MessagesPanel, kind: str) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark(f"editor-{kind}")
        self.page, self.kind = page, kind
        with self:
            self.source = ui.textarea(placeholder="Empty: the built-in words").props(
                f'outlined autogrow input-class="font-mono text-sm" aria-label="{KINDS[kind]} template"'
            )
            self.source.classes("w-full").mark(f"template-{kind}")
            self.source.on_value_change(page.later)
            self.error = ui.label().classes("text-negative text-sm whitespace-pre-wrap").mark(f"error-{kind}")
            self.error.props(f'role="alert" data-testid="error-{kind}"')
            with ui.row().classes("gap-2"):
                save = ui.button("Save", icon="save", on_click=self.save).mark(f"save-{kind}")
                save.props(f'unelevated no-caps aria-label="Save the {KINDS[kind]} template"')
                ui.button("Start from the example", on_click=self.example).props("flat no-caps")
                ui.button("Use the built-in words", on_click=self.built_in).props("flat no-caps")
            self.table = ui.table(columns=COLUMNS, rows=[], row_key="id").props("flat bordered dense")
            self.table.classes("w-full").mark(f"versions-{kind}")
            self.table.props(f'data-testid="versions-{kind}"')
            self.table.add_slot("body-cell-created_at", LOCAL_TIME_CELL)
            self.table.add_slot("body-cell-restore", RESTORE)
            self.table.on("restore", lambda e: self.restore(e.args))

    async def load(self, *, source: bool = True) -> None:
        versions = await self.page.messages.versions(self.kind, self.page.language)
        count = len(versions)
        self.table.rows = [
            {
                "id": v.id,
                "number": count - i,
                "author": v.author,
                "created_at": iso_utc(v.created_at),
                "summary": _summary(v.source),
                "current": i == 0,
            }
            for i, v in enumerate(versions)
        ]
        if source:
            self.source.value = versions[0].source if versions else ""

    async def save(self) -> None:
        try:
            await self.page.messages.save(
                self.kind, self.source.value or "", by=self.page.by, locale=self.page.language
            )
        except TemplateError as error:
            self.error.text = f"Not saved: {error}"
            return
        self.error.text = ""
        ui.notify(f"Saved the {KINDS[self.kind]} template.", type="positive")
        await self.load(source=False)

    def example(self) -> None:
        self.source.value = EXAMPLES[self.kind]

    def built_in(self) -> None:
        self.source.value = ""

    async def restore(self, version_id: int) -> None:
        try:
            version = await self.page.messages.restore(int(version_id), by=self.page.by)
        except (NotFound, TemplateError) as error:
            ui.notify(str(error), type="warning")
            await self.load(source=False)
            return
        self.error.text = ""
        self.source.value = version.source
        ui.notify(f"Restored the {KINDS[self.kind]} template.", type="positive")
        await self.load(source=False)


def _summary(source: str) -> str:
    words = " ".join(source.split())
    return "(the built-in words)" if not words else words[:80] + ("…" if len(words) > 80 else "")


def _upper(words: str) -> str:
    """The first letter a capital, the others as they are ("E-mail HTML")."""
    return words[:1].upper() + words[1:]
