"""The main window: a tab per job (the check page first), a menu bar whose every action has a
shortcut, and the status bar (desktop.ui.status_bar). The window assembles and routes: feedback
uploads and snapshot updates are desktop.ui.platform_sync's, the pages are their own modules."""
from __future__ import annotations

import os

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget

from desktop.desk.context import DeskContext
from desktop.desk.sheets import render_to_sheets_folder
from desktop.site.messages import UserError
from desktop.ui import i18n, sheet_output
from desktop.ui.check_page import CheckPage
from desktop.ui.jobs import JobRunner
from desktop.ui.platform_sync import PlatformSync
from desktop.ui.status_bar import DeskStatusBar

# How long closing waits for a case-file write still running (it is fsync-bound, normally ms).
CLOSE_WAIT_MS = 30_000


class MainWindow(QMainWindow):
    ready = Signal()  # the check page can take a scan
    sheet_written = Signal(object)  # Path of a record sheet printed from the check page

    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = JobRunner(self)
        self._close_confirmed = False
        self.setObjectName("mainWindow")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.setCentralWidget(self.tabs)
        self.check_page = CheckPage(ctx, self.jobs, self)
        self.tabs.addTab(self.check_page, "")
        self.tabs.setTabToolTip(0, "Alt+1")
        self._build_menus()
        self.status = DeskStatusBar(ctx, self.jobs, self)
        self.setStatusBar(self.status)
        self.sync = PlatformSync(ctx, self.jobs, self.status, self)
        self.check_page.ready.connect(self.ready)
        self.check_page.ready.connect(self._ask_operator_if_unknown)
        self.check_page.recorded.connect(lambda _record: self.sync.upload_feedback())
        self.check_page.result_shown.connect(self._result_shown)
        self._sign_in_dialog = None
        self.desk_lock = None
        self.check_page.wants_front.connect(lambda: self.tabs.setCurrentWidget(self.check_page))
        self._install_secondary_views()
        self.sync.snapshot_checked.connect(self._snapshot_checked)
        self._retranslate_own()
        self.status.refresh()
        self.approval = None  # the approval system's links and local API: attach_approval_system
        self.resize(1280, 720)
        ops = ctx.config.operators
        if ops is not None:
            from desktop.ui.lock import DeskLock

            self.desk_lock = DeskLock(self, ops.lock_minutes)
            self.check_page.checks.failed.connect(self._maybe_lock)
            if ctx.session is None:
                # Nobody signed in yet (or an unmapped OS account): nothing may be looked up.
                QTimer.singleShot(0, lambda: self.desk_lock.lock(self.tr("请登录后核查。")))

    # -- menus --------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.check_menu = bar.addMenu("")
        self.view_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        page = self.check_page
        # Texts come from _retranslate_own(), so that an English switch applies at once.
        self.action_check = self._action(self.check_menu, "", "F5", page.request_check,
                                         "actionCheck")
        self.action_record = self._action(self.check_menu, "", "Ctrl+S", page.record,
                                          "actionRecord")
        self.action_clear = self._action(self.check_menu, "", "Ctrl+Shift+X", page.request_clear,
                                         "actionClear")
        self.action_print_sheet = self._action(self.check_menu, "", "Ctrl+P", self.print_sheet,
                                               "actionPrintSheet")
        # Ctrl+P prints in the history tab as well (its selected record): scoped to each page so
        # the two never make an ambiguous shortcut.
        self.action_print_sheet.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.action_print_sheet)
        page.addAction(self.action_print_sheet)
        self.action_focus_code = self._action(self.check_menu, "", "Ctrl+L", page.focus_code,
                                              "actionFocusCode")
        self.action_focus_item = self._action(self.check_menu, "", "Ctrl+I", self._focus_item,
                                              "actionFocusItem")
        self.action_focus_case = self._action(self.check_menu, "", "Ctrl+N",
                                              lambda: self._focus_on(page.caseNoInput),
                                              "actionFocusCase")
        self.action_focus_measures = self._action(
            self.check_menu, "", "Ctrl+M", lambda: self._focus_on(page.resultPanel.measuresTable),
            "actionFocusMeasures")
        # Not Ctrl+D / Ctrl+U: on Linux a text field takes those (delete a character / the line)
        # before any shortcut sees them, and the clerk's typing would be lost instead.
        self.action_update = self._action(self.file_menu, "", "Ctrl+Shift+U",
                                          lambda: self.sync.update_snapshot(),
                                          "actionUpdateSnapshot")
        self.action_quit = self._action(self.file_menu, "", "Ctrl+Q", self.close, "actionQuit")
        self.action_check_tab = self._action(self.view_menu, "", "Alt+1",
                                             lambda: self.tabs.setCurrentIndex(0), "actionCheckTab")

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "action_check_tab"):
            self._retranslate_own()
        super().changeEvent(event)

    def _retranslate_own(self) -> None:
        """This window's own texts (the pages and the part-2 views retranslate themselves)."""
        tr = self.tr
        self.setWindowTitle(tr("信用核查窗口端 Credit Desk"))
        self.setAccessibleName(tr("信用核查窗口端"))
        self.tabs.setAccessibleName(tr("功能页"))
        # Tab titles carry no mnemonic: Alt+1..4 are the View menu's, and a mnemonic on the tab
        # too made each of them an ambiguous shortcut that did nothing.
        for index, text in enumerate((tr("核查"), tr("历史记录"), tr("月度统计"), tr("跟踪"),
                                       tr("待办"))):
            if index < self.tabs.count():
                self.tabs.setTabText(index, f"{text}  Alt+{index + 1}")
        for menu, text in ((self.file_menu, tr("文件(&F)")), (self.check_menu, tr("核查(&C)")),
                           (self.view_menu, tr("视图(&V)")), (self.help_menu, tr("帮助(&H)"))):
            menu.setTitle(text)
        for action, text in ((self.action_check, tr("核查代码")), (self.action_record, tr("记档")),
                             (self.action_clear, tr("清除（Esc）")),
                             (self.action_focus_code, tr("到代码输入框（F2）")),
                             (self.action_focus_item, tr("选择办事事项")),
                             (self.action_focus_case, tr("到办件编号")),
                             (self.action_focus_measures, tr("到奖惩措施（空格勾选）")),
                             (self.action_update, tr("更新离线数据（再按一次取消）")),
                             (self.action_print_sheet, tr("打印刚记档的记录单")),
                             (self.action_quit, tr("退出")), (self.action_check_tab, tr("核查页"))):
            action.setText(text)

    def _action(self, menu, text: str, keys: str, slot, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work with the menu bar hidden or collapsed
        return action

    def _focus_on(self, target) -> None:
        self.check_page.cancel_pending_focus()
        self.tabs.setCurrentWidget(self.check_page)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.check_page.scrollArea.ensureWidgetVisible(target)

    def _focus_item(self) -> None:
        self.check_page.cancel_pending_focus()
        self.tabs.setCurrentWidget(self.check_page)
        self.check_page.itemSelector.setFocus()
        self.check_page.itemSelector.lineEdit().selectAll()

    def _install_secondary_views(self) -> None:
        """History and statistics tabs, and the menu actions opening the dialogs."""
        from desktop.ui.dialogs.about_dialog import AboutDialog
        from desktop.ui.dialogs.import_dialog import SnapshotImportDialog
        from desktop.ui.dialogs.settings_dialog import SettingsDialog
        from desktop.ui.due_view import DueView
        from desktop.ui.history_view import HistoryView
        from desktop.ui.stats_view import StatsView

        self.history_view = HistoryView(self.ctx, self.jobs, self)
        self.stats_view = StatsView(self.ctx, self.jobs, self)
        self.tabs.addTab(self.history_view, "")
        self.tabs.setTabToolTip(1, "Alt+2")
        self.tabs.addTab(self.stats_view, "")
        self.tabs.setTabToolTip(2, "Alt+3")
        self._install_watch_view()
        self.due_view = DueView(self.ctx, self.jobs, self)
        self.tabs.addTab(self.due_view, "")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.due_view), "Alt+5")
        self.due_view.overdue_changed.connect(self.status.show_overdue)
        self.due_view.settled.connect(lambda _record: self.status.refresh())
        self.due_view.settled.connect(lambda _record: self.stats_view.refresh())
        self.due_view.settled.connect(lambda _record: self.history_view.refresh())
        self.check_page.recorded.connect(lambda _record: self.due_view.refresh())
        self.due_view.refresh()
        self.check_page.recorded.connect(lambda _record: self.history_view.refresh())
        self.check_page.recorded.connect(lambda _record: self.stats_view.refresh())
        self.history_view.decision_recorded.connect(lambda _record: self.status.refresh())
        self.history_view.decision_recorded.connect(lambda _record: self.stats_view.refresh())

        def open_dialog(dialog) -> None:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        def sign_in() -> None:
            if self.desk_lock is not None:
                # Switching operator locks the window first: the next clerk signs in afresh.
                self.desk_lock.lock(self.tr("更换操作员：请新操作员登录。"))
                return
            self.open_sign_in()

        self._open_dialog = open_dialog

        def import_snapshot() -> None:
            dialog = SnapshotImportDialog(self.ctx.offline.store, self.jobs, self)
            dialog.finished_import.connect(lambda _outcome: self.status.refresh())
            dialog.finished_import.connect(lambda _outcome: self.watch_view.refresh())
            open_dialog(dialog)

        def settings() -> None:
            dialog = SettingsDialog(self.ctx, self.jobs, self, saved=self.check_page.settings)
            dialog.applied.connect(self._settings_applied)
            dialog.scanned.connect(self.check_page.scanner.scanned)
            open_dialog(dialog)

        def file_action(text, keys, slot, name) -> QAction:
            action = self._action(self.file_menu, text, keys, slot, name)
            self.file_menu.insertAction(self.action_quit, action)  # Quit stays last
            return action

        self.action_sign_in = file_action(self.tr("更换操作员…"), "Ctrl+Shift+O", lambda: sign_in(),
                                          "actionSignIn")
        self.action_import = file_action(self.tr("从U盘导入离线数据…"), "Ctrl+Shift+I",
                                         import_snapshot, "actionImportSnapshot")
        self.action_settings = file_action(self.tr("设置…"), "Ctrl+,", settings, "actionSettings")
        self.file_menu.insertSeparator(self.action_quit)
        self.action_history_tab = self._action(
            self.view_menu, self.tr("历史记录"), "Alt+2",
            lambda: self.tabs.setCurrentWidget(self.history_view), "actionHistoryTab")
        self.action_stats_tab = self._action(
            self.view_menu, self.tr("月度统计"), "Alt+3",
            lambda: self.tabs.setCurrentWidget(self.stats_view), "actionStatsTab")
        self.action_due_tab = self._action(
            self.view_menu, self.tr("待办（信用承诺）"), "Alt+5",
            lambda: (self.tabs.setCurrentWidget(self.due_view), self.due_view.dueTable.setFocus()),
            "actionDueTab")
        self.action_about = self._action(self.help_menu, self.tr("关于与状态…"), "F1",
                                         lambda: open_dialog(AboutDialog(self.ctx, self.jobs, self)),
                                         "actionAbout")

    def _install_watch_view(self) -> None:
        """The post-approval watch tab (跟踪) and its count in the status bar; it compares the
        recorded checks with the installed data once at start and after every new install."""
        from desktop.ui.watch_view import WatchView

        self.watch_view = WatchView(self.ctx, self.jobs, self)
        index = self.tabs.addTab(self.watch_view, "")
        self.tabs.setTabToolTip(index, "Alt+4")
        self.action_watch_tab = self._action(
            self.view_menu, self.tr("跟踪提醒"), "Alt+4",
            lambda: self.tabs.setCurrentWidget(self.watch_view), "actionWatchTab")
        self.watch_view.count_changed.connect(self.status.show_watch_count)
        self.watch_view.follow_up_recorded.connect(lambda _record: self.sync.upload_feedback())
        self.watch_view.follow_up_recorded.connect(lambda _record: self.history_view.refresh())
        self.watch_view.follow_up_recorded.connect(lambda _record: self.stats_view.refresh())
        self.watch_view.refresh()

    def _ask_operator_if_unknown(self) -> None:
        """A desk without sign-in (the demo) on its first start: nobody has given a 工号 (the
        environment or an earlier sign-in). The OS login is not an operator: ask, and record
        nothing until then. Desks with [operators] sign in properly (desktop.ui.lock)."""
        settings = self.check_page.settings or {}
        if (not self.ctx.sign_in_free or os.environ.get("CREDIT_DESK_OPERATOR")
                or settings.get("operator")):
            return
        self.check_page.recordPanel.operator_missing = True
        self.status.set_operator_missing(True)
        self.open_sign_in("")

    def open_sign_in(self, operator: str | None = None) -> None:
        """The sign-in dialog (one at a time); in the demo it only names the operator."""
        from desktop.ui.dialogs.sign_in_dialog import SignInDialog

        if self._sign_in_dialog is not None and self._sign_in_dialog.isVisible():
            self._sign_in_dialog.raise_()
            return
        dialog = SignInDialog(self.ctx.operator if operator is None else operator, self.jobs, self,
                              ctx=self.ctx)
        dialog.signed_in.connect(self._signed_in)
        dialog.finished.connect(lambda _result: setattr(self, "_sign_in_dialog", None))
        self._sign_in_dialog = dialog
        self._open_dialog(dialog)

    def _signed_in(self, operator: str) -> None:
        self.check_page.recordPanel.operator_missing = False
        self.status.set_operator_missing(False)
        if self.ctx.sign_in_free:
            self.ctx.operator = operator
            client = self.ctx.__dict__.get("platform")  # created already: it sends X-Operator
            if client is not None:
                client.operator = operator
        self.status.show_operator()
        if self.desk_lock is not None and self.desk_lock.locked:
            self.desk_lock.unlock()

    def _maybe_lock(self, exc: BaseException) -> None:
        """A check refused because the sign-in expired (or nobody is signed in) locks the window:
        the next step is a sign-in, not another scan."""
        from desktop.desk.context import SignInRequired

        if isinstance(exc, SignInRequired) and self.desk_lock is not None:
            self.desk_lock.lock(i18n.render(exc.message))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if getattr(self, "desk_lock", None) is not None:
            self.desk_lock.resize_panel()

    def _settings_applied(self, settings: dict) -> None:
        self.check_page.settings = settings
        self.check_page.sound_on_black = bool(settings.get("sounds", False))
        self.statusBar().showMessage(self.tr("设置已保存。"), 8000)

    # -- record sheet -------------------------------------------------------------------------

    def print_sheet(self) -> None:
        """The record sheet of the check just recorded, rendered off the GUI thread into the
        home's sheets folder and handed to the system viewer, which prints it."""
        record = self.check_page.last_record
        bar = self.statusBar()
        if record is None:
            bar.showMessage(self.tr("还没有记档的核查，无记录单可打印。"), 8000)
            return
        bar.showMessage(self.tr("正在生成记录单…"))

        def written(path) -> None:
            self.sheet_written.emit(path)
            sheet_output.deliver(self, self.jobs, record, path,
                                 lambda text: bar.showMessage(text, 30000))

        self.jobs.submit(render_to_sheets_folder, record, on_done=written,
                         on_error=lambda exc: bar.showMessage(self.tr("记录单未能生成：%1").replace(
                             "%1", i18n.render(exc.message) if isinstance(exc, UserError)
                             else type(exc).__name__), 30000))

    def _snapshot_checked(self, result) -> None:
        self.check_page.reload_items()
        if result.updated:
            self.watch_view.refresh()

    def _result_shown(self, result) -> None:
        # Only a check answered from a snapshot other than the one shown says the bar is out of
        # date; re-reading it after every check would cost each scan a job and a relayout.
        if result.snapshot_version not in (None, self.status.shown_snapshot):
            self.status.refresh()

    # -- closing ------------------------------------------------------------------------------

    def attach_approval_system(self) -> None:
        """Take creditdesk:// links from a second start and, with ``[integration]``, tickets from
        the local API. The running window does this; a self-test window never does."""
        from desktop.ui.approval_link import ApprovalLink

        self.approval = ApprovalLink(self)

    def closeEvent(self, event) -> None:
        page = self.check_page
        close = self._close_after_write
        if not page.holds(close) and page.after_write_ends(close):
            # The record the clerk pressed is still being written: closing waits for its outcome.
            # Closed at once, a write that then failed lost the result without a question. A
            # second close while it still waits (a write stuck on a dead disk) closes, waiting
            # for it at most CLOSE_WAIT_MS, as before; a scan or Esc since takes its place.
            event.ignore()
            self.statusBar().showMessage(self.tr("正在写入办件档案：写完后退出。"), 10_000)
            return
        if page.has_unrecorded_result and not self._close_confirmed:
            # Non-blocking, like the prompt on a new scan: a nested event loop here would let a
            # scan arrive under the question.
            event.ignore()
            page.ask_discard(self._confirm_close, self.tr("当前核查结果尚未记档。仍要退出吗？"))
            return
        # Checks are dropped; a record the clerk already pressed runs to its durable end.
        if self.approval is not None:
            self.approval.close()
        self.jobs.shutdown(CLOSE_WAIT_MS)
        super().closeEvent(event)

    def _close_after_write(self) -> None:
        self.close()  # written: closes; failed: asks, as for any unrecorded result

    def _confirm_close(self) -> None:
        self._close_confirmed = True
        self.close()
