"""The window's end of the hall's approval system: creditdesk:// links handed over by a second
start, and tickets from the local API. Either fills the check page (item, case number, code) and
brings the window to the front; the clerk reviews and records as at the counter, and recording a
check of the same case, item and code answers the ticket with the record and its sheet.

Nothing here records: the API's tickets wait for the clerk's own Ctrl+S."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from desktop.casefile.sheet import render_sheet, sheet_name
from desktop.check.request import CheckRequest, RequestRefused, parse_link
from desktop.site import paths
from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.instance import InstanceServer


class ApprovalLink(QObject):
    ticket_arrived = Signal(object)  # Ticket, emitted from the API's thread, handled on the GUI's

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.api = None
        self.waiting: list = []  # tickets not yet on the page, oldest first
        self.instance = InstanceServer(self)
        self.instance.link.connect(self.open_link)
        self.ticket_arrived.connect(self._ticket, Qt.ConnectionType.QueuedConnection)
        window.check_page.recorded.connect(self._recorded)
        # A ticket waiting behind a result opens once that result is recorded, or discarded.
        window.check_page.cleared.connect(self._cleared)
        if self.ctx.config.integration is not None:
            # The token comes from the keyring (an OS service): never on the GUI thread.
            window.jobs.submit(self.ctx.local_api, self.ticket_arrived.emit, cancellable=False,
                               on_done=self._api_started, on_error=self._api_failed)

    def _api_started(self, api) -> None:
        self.api = api
        self.window.statusBar().showMessage(
            self.tr("审批系统接口已启用（本机端口 %1）。").replace("%1", str(api.port)), 8000)

    def _api_failed(self, exc: BaseException) -> None:
        text = i18n.render(exc.message) if isinstance(exc, UserError) else str(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("审批系统接口未启用"), text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("approvalApiProblem")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def open_link(self, url: str) -> None:
        """A link from a second start ("" when it only asked for the window)."""
        self._to_front()
        if not url:
            return
        try:
            request = parse_link(url)
        except RequestRefused as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("已拒绝审批系统链接"),
                              i18n.render(exc.message), QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("linkRefused")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()
            return
        self.take(request)

    def _ticket(self, ticket) -> None:
        """A ticket waits its turn while the clerk still has a result to record: the clerk
        finishes one applicant before the approval system's next one takes the page."""
        self.waiting.append(ticket)
        self._to_front()
        self._next_ticket()

    def _next_ticket(self) -> None:
        page = self.window.check_page
        self.waiting = [t for t in self.waiting if t.state == "pending"]
        if not self.waiting:
            return
        if page.when_free(self._next_ticket):
            return  # taken now, a kept result would drop it: it stays queued (break attempt 19)
        if page.has_unrecorded_result:
            self.window.statusBar().showMessage(self.tr(
                "审批系统还有 %1 个办件等待核查：记档（或清除）当前结果后自动打开。").replace("%1", str(len(self.waiting))), 15000)
            return
        ticket = self.waiting.pop(0)
        self.window.statusBar().showMessage(
            self.tr("审批系统提交了办件 %1 的核查。").replace("%1", ticket.request.case_no), 15000)
        self.take(ticket.request)

    def take(self, request: CheckRequest) -> None:
        """Item and case number filled, and the check started when the code came with it. An
        unrecorded result on screen is never dropped silently."""
        page = self.window.check_page
        self.window.tabs.setCurrentWidget(page)
        if page.when_free(lambda: self.take(request)):
            return  # after the clerk's write, check or question: then asked about as below

        def fill() -> None:
            if not page.itemSelector.select_code(request.item):
                page.recordPanel.show_message(self.tr(
                    "审批系统要求的办事事项“%1”不在本机事项目录中：未核查。请核对事项编码，或更新离线数据。")
                    .replace("%1", request.item), error=True)
                return
            page.caseNoInput.setText(request.case_no)
            page.offer_purpose(request.purpose or "")
            page.codeInput.setText(request.code or "")
            if request.code:
                page.start_check(request.code)
            else:
                page.focus_code()  # the clerk scans the applicant's code
        if page.has_unrecorded_result:
            page.ask_discard(fill, self.tr("上一次核查结果尚未记档。放弃它并打开审批系统的办件 %1 吗？")
                             .replace("%1", request.case_no))
            return
        fill()

    def _to_front(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.raise_()
        w.activateWindow()

    def _cleared(self) -> None:
        if self.waiting:
            QTimer.singleShot(0, self._next_ticket)

    def _recorded(self, record) -> None:
        if self.api is None or not self.ctx.tickets.pending():
            return
        QTimer.singleShot(0, self._next_ticket)
        folder = paths.home() / "sheets"

        def answer(record):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                sheet = str(render_sheet(record, folder / sheet_name(record)))
            except (OSError, UserError):
                sheet = None  # the record stands; the approval system can ask for a reprint
            return self.ctx.tickets.answer(record, sheet)
        self.window.jobs.submit(answer, record, cancellable=False,
                                on_done=lambda ticket: self._answered(ticket))

    def _answered(self, ticket) -> None:
        if ticket is not None:
            self.window.statusBar().showMessage(
                self.tr("已将核查记录回传审批系统（办件 %1）。").replace("%1", ticket.request.case_no), 15000)

    def close(self) -> None:
        self.instance.close()
        if self.api is not None:
            self.api.stop()
