"""The watch tab (跟踪): post-approval alerts (事中事后监管) on recorded checks, raised when newer
data arrived. Filter by kind and age, read the alert with its record, settle it with a follow-up
record — all from the keyboard: arrows pick an alert, Enter goes to the note, Ctrl+Enter settles,
Ctrl+R computes again, Esc (or the same button) stops a comparison under way.

The comparison with the data, the change feed and every case-file read and write run through the
job runner; identity numbers are shown masked."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import OUTCOMES, local_text
from desktop.casefile.watch import ACTIONS, CHANGES, ROLE_WORDS, STATE_WORDS, Alert, Settlement
from desktop.desk import watch
from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.plain_text import shown, tooltip

AGES = (None, 7, 30, -30)  # all, within 7 days, within 30 days, older than 30 days
# An online desk also takes in the platform's change feed now and then.
FEED_EVERY_MS = 15 * 60_000


class AlertModel(QAbstractTableModel):
    def __init__(self, cells, parent=None):
        super().__init__(parent)
        self.alerts: list[Alert] = []
        self.headers: list[str] = []
        self._cells = cells

    def set_alerts(self, alerts: list[Alert]) -> None:
        self.beginResetModel()
        self.alerts = alerts
        self.endResetModel()

    def set_headers(self, headers: list[str]) -> None:
        self.beginResetModel()
        self.headers = headers
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.alerts)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return shown(self._cells(self.alerts[index.row()])[index.column()])
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:   # whole and escaped
            return tooltip(self._cells(self.alerts[index.row()])[index.column()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


class WatchView(Retranslatable, QWidget):
    count_changed = Signal(int)        # open alerts, for the status bar
    follow_up_recorded = Signal(object)  # the CaseRecord written

    def __init__(self, context, runner, parent: QWidget | None = None):
        super().__init__(parent, objectName="watchView")
        self.ctx = context
        self.runner = runner
        self.all_alerts: list[Alert] = []
        self._refresh_job = None
        self._build()
        self.retranslate()
        if context.config.platform is not None:
            self._timer = QTimer(self, interval=FEED_EVERY_MS)
            self._timer.timeout.connect(self.refresh)
            self._timer.start()

    def _build(self) -> None:
        self.kind_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.kind_filter = QComboBox(objectName="watchKindFilter")
        self.age_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.age_filter = QComboBox(objectName="watchAgeFilter")
        self.kind_label.setBuddy(self.kind_filter)
        self.age_label.setBuddy(self.age_filter)
        # Settled and superseded alerts are never deleted: shown on demand, with what was done
        # or which data took the change back.
        self.show_closed = QCheckBox(objectName="watchShowClosed")
        self.show_closed.toggled.connect(self._apply_filter)
        self.refresh_button = QPushButton(objectName="watchRefreshButton")
        self.refresh_button.clicked.connect(self._refresh_or_stop)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)
        self.age_filter.currentIndexChanged.connect(self._apply_filter)
        bar = QHBoxLayout()
        for w in (self.kind_label, self.kind_filter, self.age_label, self.age_filter,
                  self.show_closed):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)

        self.model = AlertModel(self._cells, self)
        self.table = QTableView(objectName="watchTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.model.modelReset.connect(self._fit_headers)  # new rows, a new language
        self._fit_headers()
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.table.activated.connect(lambda _index: self.note.setFocus())
        self.detail = QTextBrowser(objectName="watchDetail")
        self.detail.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.action_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.action = QComboBox(objectName="watchAction")
        self.action_label.setBuddy(self.action)
        self.note_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.note = QLineEdit(objectName="watchNote")
        self.note_label.setBuddy(self.note)
        self.note.returnPressed.connect(self.settle_selected)
        self.settle_button = QPushButton(objectName="watchSettleButton")
        self.settle_button.clicked.connect(self.settle_selected)
        settle = QHBoxLayout()
        for w in (self.action_label, self.action, self.note_label):
            settle.addWidget(w)
        settle.addWidget(self.note, 1)
        settle.addWidget(self.settle_button)
        self.message = QLabel(objectName="watchMessage", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        # Their longest entries must not set the window's width: at the largest font in English
        # they asked for 1462 px together, pushing the window past a 1366 px screen. They keep
        # their natural width where there is room and give way down to ten characters.
        for combo in (self.kind_filter, self.age_filter, self.action):
            combo.setMinimumWidth(combo.fontMetrics().averageCharWidth() * 10)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addLayout(settle)
        layout.addWidget(self.message)
        QShortcut(QKeySequence("Ctrl+R"), self, self.refresh,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Esc"), self, self.stop,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.settle_selected,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_buttons()

    def _fit_headers(self) -> None:
        """Every column at least as wide as its title, whatever the rows (none, at first), the
        language or the font; wider only by the clerk's hand. The last column takes the rest."""
        header = self.table.horizontalHeader()
        for i in range(self.model.columnCount() - 1):
            header.resizeSection(i, max(header.sectionSize(i), header.sectionSizeHint(i)))

    def retranslate(self) -> None:
        t = i18n.translate
        self.kind_label.setText(self.tr("变化(&K)"))
        self.age_label.setText(self.tr("提出时间(&G)"))
        self.show_closed.setText(self.tr("含已处理和已取代(&W)"))
        self.show_closed.setToolTip(self.tr("也列出已登记处理的提醒，以及其变化已被更新的数据撤回的提醒"))
        self._label_refresh_button()
        self.action_label.setText(self.tr("处理(&A)"))
        self.note_label.setText(self.tr("说明(&N)"))
        self.note.setPlaceholderText(self.tr("做了什么（必填）；回车或 Ctrl+Enter 登记"))
        self.settle_button.setText(self.tr("登记跟踪处理"))
        self.settle_button.setToolTip(self.tr("在原记录上登记一条跟踪处理记录，并上报省平台（Ctrl+Enter）"))
        for combo, entries in (
                (self.kind_filter, [(self.tr("全部"), None)]
                 + [(t("core", label), key) for key, label in CHANGES.items()]),
                (self.age_filter, [(self.tr("全部"), None), (self.tr("7 天内"), 7),
                                   (self.tr("30 天内"), 30), (self.tr("超过 30 天"), -30)]),
                (self.action, [(t("core", label), key) for key, label in ACTIONS.items()])):
            keep = combo.currentIndex()
            combo.blockSignals(True)
            combo.clear()
            for text, data in entries:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(keep, 0))
            combo.blockSignals(False)
        self.model.set_headers([
            self.tr("提出时间"), self.tr("记录"), self.tr("办件编号"), self.tr("办事事项"),
            self.tr("主体代码"), self.tr("主体名称"), self.tr("变化"), self.tr("名单条目"),
            self.tr("原状态 → 现状态"), self.tr("状态"), self.tr("档案校验")])
        self.table.setAccessibleName(self.tr("跟踪提醒"))
        self.note.setAccessibleName(self.tr("跟踪处理说明"))
        self.action.setAccessibleName(self.tr("跟踪处理方式"))
        self._apply_filter()

    # -- loading -------------------------------------------------------------------------------

    def _label_refresh_button(self) -> None:
        if self._refresh_job is None:
            self.refresh_button.setText(self.tr("重新比对"))
            self.refresh_button.setToolTip(self.tr("用已安装的数据和平台变化通知重新比对已办结的核查（Ctrl+R）"))
        else:
            self.refresh_button.setText(self.tr("停止比对"))
            self.refresh_button.setToolTip(self.tr("停止正在进行的比对（Esc）；已有的提醒不变"))

    def _refresh_or_stop(self) -> None:
        if self._refresh_job is None:
            self.refresh()
        else:
            self.stop()

    def refresh(self) -> None:
        """Compare again with the installed data and the change feed, off the GUI thread: first
        the checks index (every record on a desk's first comparison), then the comparison, each
        with its progress, either stopped by stop()."""
        if self._refresh_job is not None:
            return
        self._say(self.tr("正在比对已办结的核查…"))
        self._refresh_job = self.runner.submit(watch.prepare, self.ctx, on_done=self._prepared,
                                               on_error=self._failed,
                                               on_progress=self._index_progress)
        self._label_refresh_button()

    def _prepared(self, _indexed: int) -> None:
        # overdue_after: a platform that hangs on the change feed must not hold a worker that
        # checks need (the feed's own timeout ends it).
        self._refresh_job = self.runner.submit(_refresh, self.ctx, on_done=self._loaded,
                                               on_error=self._failed, on_progress=self._progress,
                                               overdue_after=15)

    def stop(self) -> None:
        """Stop the comparison under way; nothing it had not finished is written."""
        if self._refresh_job is None:
            return
        self._refresh_job.cancel()
        self._refresh_job = None
        self._label_refresh_button()
        self._say(self.tr("已停止比对；已有的跟踪提醒不变。按 Ctrl+R 重新比对。"))

    def _index_progress(self, done: int, total: int) -> None:
        self._say(self.tr("正在整理办件档案中的核查（首次比对）… %1/%2").replace("%1", str(done))
                  .replace("%2", str(total)))

    def _progress(self, done: int, total: int) -> None:
        self._say(self.tr("正在比对已办结的核查… %1/%2").replace("%1", str(done))
                  .replace("%2", str(total)))

    def _loaded(self, state: watch.WatchState) -> None:
        self._refresh_job = None
        self._label_refresh_button()
        self.all_alerts = state.alerts
        self._apply_filter()
        notes = [i18n.render(p) for p in (state.problem, state.feed_problem) if p is not None]
        unverified = state.run.unverified if state.run is not None else ()
        if unverified:
            # Edited data neither raises nor drops an alert: the records it concerns are named.
            notes.append(self.tr("%1 中 %2 条记录的主体数据与签署的分组表不符（数据文件被改动过），未能比对：%3。"
                                 "请重新导入快照。").replace("%1", state.run.source)
                         .replace("%2", str(len(unverified)))
                         .replace("%3", "、".join(str(i) for i, _, _ in unverified[:10])))
        open_count = sum(a.open for a in state.alerts)
        text = self.tr("待处理的跟踪提醒 %1 条。").replace("%1", str(open_count))
        if state.run is not None and state.run.raised:
            text += " " + self.tr("本次新增 %1 条。").replace("%1", str(len(state.run.raised)))
        superseded = sum(r.cleared for r in (state.run, state.feed) if r is not None)
        if superseded:
            # An alert that leaves the list must say why: newer data took its change back.
            text += " " + self.tr("%1 条提醒已被更新的数据取代，不再待处理（原因见 credit-desk cases "
                                  "watch --all）。").replace("%1", str(superseded))
        self._say(" ".join([text, *notes]), error=bool(notes))
        self.count_changed.emit(open_count)

    def _failed(self, exc: BaseException) -> None:
        self._refresh_job = None
        self._label_refresh_button()
        self._say(self.tr("未能比对：%1").replace(
            "%1", i18n.render(exc.message) if isinstance(exc, UserError) else type(exc).__name__),
            error=True)

    def _apply_filter(self) -> None:
        kind = self.kind_filter.currentData()
        age = self.age_filter.currentData()
        now = datetime.now(timezone.utc)
        closed = self.show_closed.isChecked()
        shown = [a for a in self.all_alerts if (closed or a.open)
                 and (kind is None or a.change == kind) and (
            age is None or (a.age_days(now) <= age if age > 0 else a.age_days(now) > -age))]
        selected = self.selected_alert()
        self.model.set_alerts(shown)
        if selected is not None:
            self.select_alert(selected.key)
        elif shown:
            self.table.selectRow(0)
        self._show_selected()

    def _cells(self, a: Alert) -> list[str]:
        t = i18n.translate
        masked = a.to_json()["subject_code"]
        return [local_text(a.raised_at), str(a.check_id), a.case_no or "—",
                f"{a.item_name}（{a.item_code}）", masked, a.subject_name or "—",
                t("core", CHANGES[a.change]), _entry(a),
                f"{_state(a.old_state)} → {_state(a.new_state)}", self._standing(a),
                self.tr("完好") if a.record_ok else self.tr("未通过，不能登记处理")]

    def _standing(self, a: Alert) -> str:
        if a.settled is not None:
            return self.tr("已处理")
        if a.cleared_at is not None:
            return self.tr("已被更新的数据取代")
        return self.tr("待处理")

    # -- selection -----------------------------------------------------------------------------

    def selected_alert(self) -> Alert | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.alerts[rows[0].row()] if rows else None

    def select_alert(self, key: str) -> bool:
        row = next((n for n, a in enumerate(self.model.alerts) if a.key == key), None)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _show_selected(self) -> None:
        a = self.selected_alert()
        self._update_buttons()
        if a is None:
            self.detail.clear()
            return
        self.detail.setPlainText(self._detail_text(a))
        # The record as it prints, read off the GUI thread.
        self.runner.submit(_record_sheet, self.ctx, a.check_id,
                           on_done=lambda html, key=a.key: self._show_sheet(key, html),
                           on_error=lambda _exc: None)

    def _show_sheet(self, key: str, html: str) -> None:
        a = self.selected_alert()
        if a is not None and a.key == key:
            self.detail.setHtml(_escape_pre(self._detail_text(a)) + "<hr>" + html)

    def _detail_text(self, a: Alert) -> str:
        t = i18n.translate
        lines = [f"{t('core', CHANGES[a.change])}：{_entry(a)}",
                 f"{_state(a.old_state)} → {_state(a.new_state)}（{a.source}）",
                 f"{a.item_name}（{a.item_code}） · {t('core', OUTCOMES.get(a.outcome, a.outcome))}"
                 f" · {local_text(a.checked_at)}",
                 a.follow_up]
        lines += [f"  {m} {c}" for m, c in a.measures]
        if a.settled is not None:
            lines.append(self.tr("已处理：%1，%2，%3，记录 %4：%5")
                         .replace("%1", t("core", ACTIONS.get(a.settled.action, a.settled.action)))
                         .replace("%2", a.settled.operator).replace("%3", local_text(a.settled.at))
                         .replace("%4", str(a.settled.record_id)).replace("%5", a.settled.note))
        elif a.cleared_at is not None:
            lines.append(self.tr("已被更新的数据取代（%1）：%2").replace("%1", local_text(a.cleared_at))
                         .replace("%2", a.cleared_reason))
        if not a.record_ok:
            lines.append(self.tr("该记录未通过档案校验（cases verify），不能在其上登记处理。"))
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        a = self.selected_alert()
        ok = a is not None and a.record_ok and a.open
        for w in (self.settle_button, self.note, self.action):
            w.setEnabled(ok)

    # -- settling ------------------------------------------------------------------------------

    def settle_selected(self) -> None:
        a = self.selected_alert()
        if a is None or not a.open:
            return
        if not a.record_ok:
            self._say(self.tr("该提醒的记录未通过档案校验，不能登记处理；请管理员先运行 cases verify。"),
                      error=True)
            return
        note = self.note.text().strip()
        if not note:
            self._say(self.tr("请在说明中写明做了什么，再登记。"), error=True)
            self.note.setFocus()
            return
        self.settle_button.setEnabled(False)
        self.runner.submit(watch.settle, self.ctx, a.key, self.action.currentData(), note,
                           on_done=self._settled, on_error=self._settle_failed,
                           cancellable=False)

    def _settled(self, record) -> None:
        self.note.clear()
        self._say(self.tr("已登记跟踪处理：记录 %1，将上报省平台。").replace("%1", str(record.record_id)))
        settled = Settlement(record.record_id, (record.follow_up or {}).get("action", ""),
                             record.operator, record.note, record.recorded_at)
        self.all_alerts = [replace(a, settled=settled)
                           if a.key == (record.follow_up or {}).get("alert") else a
                           for a in self.all_alerts]
        self._apply_filter()
        self.count_changed.emit(sum(a.open for a in self.all_alerts))
        self.follow_up_recorded.emit(record)
        self.table.setFocus()

    def _settle_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        self._say(self.tr("未登记：%1").replace(
            "%1", i18n.render(exc.message) if isinstance(exc, UserError) else type(exc).__name__),
            error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)


def _entry(a: Alert) -> str:
    """The entry; for a unit's person, who (number and name masked as the data publishes them)."""
    if not a.person_role:
        return f"{a.list_name} {a.entry_id}"
    role = i18n.translate("core", ROLE_WORDS.get(a.person_role, a.person_role))
    return f"{role} {a.person_name} {a.person_code}：{a.list_name} {a.entry_id}"


def _state(state: str) -> str:
    return i18n.translate("core", STATE_WORDS.get(state, state))


def _refresh(ctx, progress, cancel):
    return watch.refresh(ctx, include_closed=True, progress=progress, cancel=cancel)


def _record_sheet(ctx, record_id: int) -> str:
    from desktop.casefile.sheet import sheet_html

    return sheet_html(ctx.case_file.get(record_id))


def _escape_pre(text: str) -> str:
    from html import escape

    return "<pre style='white-space: pre-wrap'>" + escape(text) + "</pre>"
