"""Printing operations: the print queue's jobs, retry / cancel / reprint, a test page, previews.

The queue's worker announces each change of a job through the change hub
(``Changes(print_queue=True)``), so the banner and the Printer screen refresh when
something happened instead of polling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area, Backend
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from printers.document import Document
    from printers.profile import PrinterProfile
    from printers.queue import JobInfo, PrintQueue, QueueEvent
    from store_client.bootstrap import Services
    from store_client.services.auth import Actor

HELD, UNCERTAIN = "held", "uncertain"
QUEUE = Changes(print_queue=True)


@dataclass(frozen=True)
class BannerState:
    """What the print banner shows, read off the UI thread."""

    job_id: int | None  # the oldest job needing attention
    job_state: str | None
    job_title: str
    job_error: str
    printer_status: str
    needs_attention: int
    waiting: int

    @property
    def visible(self) -> bool:
        return self.needs_attention > 0 or (
            self.waiting > 0 and self.printer_status in ("offline", "paper_out"))


def read_banner_state(queue: PrintQueue) -> BannerState:
    """Database work: the queue summary and the oldest job that needs attention."""
    summary = queue.summary()
    attention = queue.jobs(states=(HELD, UNCERTAIN))
    first = min(attention, key=lambda j: j.id) if attention else None
    return BannerState(
        job_id=first.id if first else None, job_state=first.state if first else None,
        job_title=first.title if first else "", job_error=(first.last_error or "") if first else "",
        printer_status=(first.printer_status if first and first.state == HELD else summary.printer_status),
        needs_attention=summary.needs_attention, waiting=summary.waiting)


def reprint_document(job: JobInfo) -> Document:
    """What a reprint shows: the REPRINT banner and the stored receipt text."""
    from printers.document import DocumentBuilder
    from printers.templates import REPRINT

    builder = DocumentBuilder().text(REPRINT, bold=True, align="center", double=True)
    for line in (job.preview_text or job.title).splitlines():
        builder.text(line)
    return builder.build()


def print_queue_of(services: Services) -> PrintQueue | None:
    """The running app's queue: ``services.print_queue`` or the checkout service's."""
    queue = getattr(services, "print_queue", None)
    if queue is None:
        queue = getattr(services.checkout, "print_queue", None)
    return queue


class QueueContents(NamedTuple):
    summary: QueueEvent
    jobs: list[JobInfo]


class PrintingOps(Area):
    """``queue`` None: no printer (nothing is printed). ``actor`` None: the banner."""

    def __init__(self, backend: Backend, actor: Actor | None, queue: PrintQueue | None) -> None:
        super().__init__(backend, actor)  # type: ignore[arg-type]
        self.queue = queue
        if queue is not None:
            backend.runner.hub.listen(queue, queue.add_listener, QUEUE)

    @property
    def profile(self) -> PrinterProfile | None:
        return self.queue.profile if self.queue is not None else None

    def _queue(self) -> PrintQueue:
        if self.queue is None:
            raise RuntimeError("no print queue")
        return self.queue

    def contents(self) -> Op[QueueContents]:
        queue = self._queue()
        return self._runner.op(lambda _g: QueueContents(queue.summary(), queue.jobs()),
                               changes=NOTHING)

    def banner_state(self) -> Op[BannerState]:
        queue = self._queue()
        return self._runner.op(lambda _g: read_banner_state(queue), changes=NOTHING)

    def retry(self, *, job_id: int) -> Op[None]:
        queue = self._queue()
        return self._runner.op(lambda _g: queue.retry(job_id), changes=QUEUE)

    def cancel(self, *, job_id: int) -> Op[None]:
        queue = self._queue()
        return self._runner.op(lambda _g: queue.cancel(job_id), changes=QUEUE)

    def reprint(self, *, job_id: int) -> Op[int]:
        """Queue the copy (marked REPRINT, no drawer) and audit it in one go."""
        queue, audit, db = self._queue(), self._services.audit, self._backend.terminal.db
        operator_id = getattr(self._actor, "operator_id", None)

        def work(_grant: object) -> int:
            new_id = queue.reprint(job_id)
            with db.transaction() as session:
                audit.append(session, operator_id=operator_id, action="print.reprint",
                             target=str(job_id), details={"new_job": new_id})
            return new_id

        return self._runner.op(work, changes=QUEUE | Changes(audit=True))

    @property
    def can_print_test_page(self) -> bool:
        return self.queue is not None and self.queue.profile is not None

    def test_page(self) -> Op[int]:
        queue, terminal = self._queue(), self._backend.terminal
        name = getattr(self._actor, "name", "")

        def work(_grant: object) -> int:
            from printers import templates
            from printers.receipt_data import Header, TestPage

            config, profile = terminal.config, queue.profile
            assert profile is not None
            head = Header(config["store.name"], config.store_id, config.terminal_id, name,
                          terminal.clock.now())
            page = templates.test_page(TestPage(header=head, printer_kind=config["printer.kind"],
                                                profile=profile.escpos_profile,
                                                paper_mm=profile.paper_mm,
                                                encoding=profile.encoding))
            return queue.submit("test", page, title="test page")

        return self._runner.op(work, changes=QUEUE)

    def render_png(self, *, document: Document,
                   profile: PrinterProfile | None = None) -> Op[bytes]:
        """Paint ``document`` as it prints (QImage, no widgets) on the general pool."""
        from printers.profile import PrinterProfile

        chosen = profile or self.profile or PrinterProfile("TM-T88V")

        def work(_grant: object) -> bytes:
            from printers.preview import render_png

            return render_png(document, chosen)

        return self._runner.op(work, changes=NOTHING, pool=True)

    def printer_text(self) -> str:
        from printers.setup import describe_printer

        return describe_printer(self._backend.terminal.config)
