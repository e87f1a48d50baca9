"""A dialog with the e-mail a user would get next, exactly as it would be sent (nothing is sent)."""

from nicegui import ui

from services.notifier import Notifier


class EmailPreview(ui.dialog):
    def __init__(self, notifier: Notifier) -> None:
        super().__init__()
        self.notifier = notifier
        with self, ui.card().classes("w-full max-w-3xl gap-2").mark("email-preview"):
            self.heading = ui.label().classes("text-lg font-medium")
            self.details = ui.column().classes("w-full gap-2")
            with ui.row().classes("w-full justify-end"):
                ui.button("Close", on_click=self.close).props("flat no-caps")

    async def show(self, user_id: int) -> None:
        """Open the preview for one user (an error becomes a notice, not a dialog)."""
        try:
            preview = await self.notifier.preview(user_id)
        except (LookupError, ValueError) as error:  # no such user, no mail server
            ui.notify(str(error), type="warning")
            return
        self.heading.text = f"Next e-mail to {preview.username}"
        self.details.clear()
        with self.details:
            if preview.note:
                ui.label(preview.note).mark("email-preview-note")
            elif not preview.items:
                ui.label("Nothing pending: no e-mail would be sent.").mark("email-preview-empty")
            else:
                ui.label(f"To: {preview.to}").classes("text-sm")
                ui.label(f"Subject: {preview.subject}").classes("font-medium").mark("email-preview-subject")
                with ui.tabs().props("dense no-caps align=left") as tabs:
                    as_html, as_text = ui.tab("HTML"), ui.tab("Text")
                with ui.tab_panels(tabs, value=as_html).classes("w-full"):
                    with ui.tab_panel(as_html).classes("p-0"):
                        # its own document, scripts off: the message's styles cannot touch the console
                        frame = ui.element("iframe").classes("w-full h-80 bg-white rounded")
                        frame.props.update(sandbox="", srcdoc=preview.html or "", title="The e-mail as HTML")
                    with ui.tab_panel(as_text).classes("p-0"):
                        # as text: an episode title with ``` or <img> in it is shown, never rendered
                        ui.label(preview.text or "").classes(
                            "w-full whitespace-pre-wrap font-mono text-sm p-2"
                        ).mark("email-preview-text")
        self.open()
