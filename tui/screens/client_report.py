"""The weekly report from a client's row or detail (`r`): as Markdown, HTML or PDF.

Markdown is for pasting into a message (it is also copied); HTML and PDF are the
document the client forwards (model/reports/document.py). Whichever is written
is logged as sent to the client, with undo.
"""

from __future__ import annotations

from pathlib import Path

from textual import work

from model import clock
from model.clients import client_by_id
from model.files import WriteError, file_part, reports_dir, write_private
from model.i18n import N_, _, language, set_language
from model.interactions import report_sent
from model.reports.week import render_markdown, report_week_start, week_report
from model.weeks import iso_week_label
from tui.dialogs.pick import PickDialog
from tui.outage import survive

REPORT_FORMATS = (
    ("md", N_("Markdown: a file, and copied to paste into a message")),
    ("html", N_("HTML: one file to send, opens anywhere")),
    ("pdf", N_("PDF: a file to send or print")),
)
"""What `r` writes the weekly report as; the first is what enter picks at once."""


class ClientReport:
    """Writes the report of the client under the cursor; the screen gives the client
    (`_client_or_bell`) and keeps the undo of logging it sent (`_undoable`)."""

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_report(self) -> None:
        """Write the week's report as Markdown, HTML or PDF, and log that it was sent.

        On the week's first working day it is the week just ended (`report_week_start`),
        as in the shell: nothing of the new week is done yet."""
        client_id = self._client_or_bell()
        if client_id is None:
            return
        client = client_by_id(self.app.engine, client_id=client_id)
        kind = await self.app.push_screen_wait(
            PickDialog(
                title=_("Weekly report for {client}", client=client.name),
                options=[(_(title), kind) for kind, title in REPORT_FORMATS],
            )
        )
        if kind is not None:
            self._write_report(client_id=client_id, kind=kind)

    def _write_report(self, *, client_id: int, kind: str) -> None:
        """The report in the client's language; a PDF is laid out in a thread, since
        WeasyPrint takes a moment, and the file is written and logged once it is done."""
        from model.reports.document import render_pdf, week_html

        engine = self.app.engine
        client = client_by_id(engine, client_id=client_id)
        week_start = report_week_start(
            today=clock.today(), start_weekday=self.app.config.sprint_start_index
        )
        week = iso_week_label(day=week_start)
        ui = language()
        set_language(code=client.language or ui)
        try:
            if kind == "md":
                text = render_markdown(
                    week_report(engine, client_id=client_id, week_start=week_start)
                )
            else:
                text = week_html(
                    engine,
                    client_id=client_id,
                    week_start=week_start,
                    agency=self.app.config.agency,
                )
        finally:
            set_language(code=ui)
        path = reports_dir() / f"week-{file_part(client.code)}-{week}.{kind}"
        if kind != "pdf":
            self._report_written(
                client_id=client_id, week=week, path=path, data=text, copy=kind == "md"
            )
            return

        def lay_out() -> None:
            pdf = render_pdf(text)
            self.app.call_from_thread(
                self._report_written,
                client_id=client_id,
                week=week,
                path=path,
                data=pdf,
                copy=False,
            )

        self.run_worker(lay_out, thread=True, group="report")

    def _report_written(
        self, *, client_id: int, week: str, path: Path, data: str | bytes, copy: bool
    ) -> None:
        engine = self.app.engine
        try:
            write_private(path=path, text=data)
        except WriteError as error:
            self.app.notify(str(error), severity="error", markup=False)
            return
        if copy and isinstance(data, str):
            self.app.copy_to_clipboard(data)
            message = _("Report for {week} written to {path} and copied", week=week, path=path)
        else:
            message = _("Report for {week} written to {path}", week=week, path=path)
        sent = report_sent(engine, client_id=client_id, week=week)
        self.app.notify(message, timeout=6, markup=False)
        self._undoable(sent)
        self.reload()
