"""The result panel: what a check found, rendered: badge, subject, source banner, notices, the
hits and the measures (with the selected measure's content and legal basis beside them).

It only shows. Which measures were ticked is read back by the record panel; nothing here decides
what may be recorded."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import (
    BASIS_LEVEL_LABELS,
    EFFECT_LABELS,
    SEVERITY_LABELS,
    STATE_LABELS,
    TARGET_LABELS,
)
from desktop.check import policy
from desktop.check.measure_rows import MeasureRow, measure_rows
from desktop.check.model import (
    CHINA_TZ,
    ROLE_LABELS,
    CheckResult,
    CodeKind,
    Source,
    Status,
    fmt_time,
)
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_table import FitTable
from desktop.ui.widgets.layout_hint import LayoutHint
from desktop.ui.widgets.plain_text import plain_label, shown, tooltip
from desktop.ui.widgets.status_badge import StatusBadge

# A table cell shows this much of a basis or a measure's content; a name, SHOWN_CHARS.
TEXT_SHOWN_CHARS = 200

# Marked for lupdate here, translated where the headers are set (context: the class name).
HIT_COLUMNS = (QT_TRANSLATE_NOOP("ResultPanel", "名单"), QT_TRANSLATE_NOOP("ResultPanel", "类别"),
               QT_TRANSLATE_NOOP("ResultPanel", "状态"), QT_TRANSLATE_NOOP("ResultPanel", "认定部门"),
               QT_TRANSLATE_NOOP("ResultPanel", "列入日期"), QT_TRANSLATE_NOOP("ResultPanel", "有效期至"),
               QT_TRANSLATE_NOOP("ResultPanel", "依据"))
MEASURE_COLUMNS = (QT_TRANSLATE_NOOP("ResultPanel", "执行"), QT_TRANSLATE_NOOP("ResultPanel", "性质"),
                   QT_TRANSLATE_NOOP("ResultPanel", "类别"), QT_TRANSLATE_NOOP("ResultPanel", "措施内容"),
                   QT_TRANSLATE_NOOP("ResultPanel", "要求"))  # the legal basis: hover, detail pane


RELATED_COLUMNS = (QT_TRANSLATE_NOOP("ResultPanel", "身份"), QT_TRANSLATE_NOOP("ResultPanel", "姓名"),
                   QT_TRANSLATE_NOOP("ResultPanel", "身份证号码"),
                   QT_TRANSLATE_NOOP("ResultPanel", "名单记录"))


def core_text(text: str) -> str:
    return QCoreApplication.translate("core", text)


def checked_at_text(iso: str) -> str:
    """When the check ran, to the second: a re-check of the same code reads differently."""
    try:
        return datetime.fromisoformat(iso).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return iso or "-"


def as_of_text(iso: str | None) -> str:
    try:
        return fmt_time(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "-"


def banner_state(result: CheckResult) -> str:
    """``platform``, ``offline``, ``stale`` (old data, from a snapshot or the platform) or
    ``unverified``."""
    if result.status == Status.UNVERIFIED:
        return "unverified"
    if result.stale:
        return "stale"
    return str(result.source)


class ResultPanel(Retranslatable, LayoutHint, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: CheckResult | None = None
        # Why the last code was not checked, kept unrendered: a language switch says it again.
        self.invalid: Message | str | None = None
        self.rows: list[MeasureRow] = []   # the measures table's rows, in order
        self.statusBadge = StatusBadge(self)

        # Platform text reaches these (a name, a fallback reason, a notice): shown literally, and
        # in the width the layout gives, never the width the text would like.
        self.sourceBanner = plain_label(self, name="sourceBanner", wrap=True)

        self.subjectLabel = plain_label(self, name="subjectLabel", wrap=True)
        self.subjectLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.noticeLabel = plain_label(self, name="noticeLabel", wrap=True)

        # A valid code the data does not know: said right under the badge, never as a quiet
        # "clear" (two slips in a listed code can make another valid code).
        self.unknownSubjectNotice = plain_label(self, name="unknownSubjectNotice", wrap=True)
        self.unknownSubjectNotice.setVisible(False)

        # The result no longer matches the form: re-check
        self.staleNotice = plain_label(self, name="staleNotice", wrap=True)
        self.staleNotice.hide()

        # Which entries the table lists, when they are no hit
        self.hitsNote = plain_label(self, name="hitsNote", wrap=True)

        # Category, state and dates keep one line; list, authority and basis wrap.
        self.hitsTable = FitTable(len(HIT_COLUMNS), (0, 3, 6), self)
        self.hitsTable.setObjectName("hitsTable")
        self.measuresTable = FitTable(len(MEASURE_COLUMNS), (2, 3), self, tick_column=0)
        self.measuresTable.setObjectName("measuresTable")
        # The unit's people (法定代表人、主要负责人) with their own entries; F6 checks the one selected.
        self.relatedTable = FitTable(len(RELATED_COLUMNS), (1, 3), self)
        self.relatedTable.setObjectName("relatedTable")

        # Plain text, laid out a screenful at a time: a QTextBrowser laid out its whole document
        # on every result (four times the cost, for text that is never rich).
        self.measureDetail = QPlainTextEdit(self)
        self.measureDetail.setObjectName("measureDetail")
        self.measureDetail.setReadOnly(True)
        self.measureDetail.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.measureDetail.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        # Its width never changes with the text: a bar coming and going re-wrapped the text at a
        # new width in the middle of the page's paint (see lay_out_detail).
        self.measureDetail.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

        measures_box = QHBoxLayout()
        measures_box.addWidget(self.measuresTable, 3)
        measures_box.addWidget(self.measureDetail, 1)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.statusBadge)
        column.addWidget(self.unknownSubjectNotice)
        column.addWidget(self.staleNotice)
        column.addWidget(self.subjectLabel)
        column.addWidget(self.sourceBanner)
        column.addWidget(self.noticeLabel)
        column.addWidget(self.hitsNote)
        column.addWidget(self.hitsTable)
        column.addWidget(self.relatedTable)
        column.addLayout(measures_box)
        column.addStretch(1)

        self.measuresTable.currentCellChanged.connect(lambda row, *_: self._show_measure(row))
        self.retranslate()
        self.clear()

    def retranslate(self) -> None:
        tr = self.tr
        self.statusBadge.retranslate()
        self.sourceBanner.setAccessibleName(tr("数据来源"))
        self.subjectLabel.setAccessibleName(tr("核查对象"))
        self.unknownSubjectNotice.setAccessibleName(tr("数据中无此主体"))
        self.noticeLabel.setAccessibleName(tr("提示"))
        self.hitsNote.setAccessibleName(tr("名单记录说明"))
        self.staleNotice.setAccessibleName(tr("结果已过时"))
        self.hitsTable.setAccessibleName(tr("名单记录"))
        self.measuresTable.setAccessibleName(tr("奖惩措施"))
        self.relatedTable.setAccessibleName(tr("关联人员（F6 核查选中人员）"))
        for table, columns in ((self.hitsTable, HIT_COLUMNS), (self.measuresTable, MEASURE_COLUMNS),
                               (self.relatedTable, RELATED_COLUMNS)):
            table.setHorizontalHeaderLabels([tr(c) for c in columns])
        self.measureDetail.setAccessibleName(tr("措施详情与法律依据"))
        self.measureDetail.setPlaceholderText(tr("选中一条措施，在此查看其内容与法律依据"))
        if self.result is not None:
            self._show_again(self.result)
        elif self.invalid is not None:
            self.show_invalid(self.invalid)

    # -- states without a result --------------------------------------------------------------

    def clear(self, *, badge: bool = True) -> None:
        self.result = None
        self.invalid = None
        self.rows = []
        if badge:
            self.statusBadge.show_idle()
        self.set_stale("")
        self.subjectLabel.setText("")
        self.subjectLabel.setToolTip("")
        self.sourceBanner.setText("")
        self._set_banner_state("")
        self._set_label(self.noticeLabel, "")
        self._set_label(self.unknownSubjectNotice, "")
        self._set_label(self.hitsNote, "")
        self.hitsTable.fill([])
        self.measuresTable.fill([])
        self.relatedTable.fill([])
        self.relatedTable.hide()
        self.measureDetail.clear()

    def show_invalid(self, reason: Message | str) -> None:
        self.clear()
        self.invalid = reason
        self.statusBadge.show_invalid(i18n.render(reason))
        self.sourceBanner.setText(self.tr("未查询：请核对代码后重新扫描或输入。"))

    def show_checking(self) -> None:
        self.clear(badge=False)
        self.statusBadge.show_checking()
        self._set_banner_state("checking")

    def show_progress(self, text: str) -> None:
        self.sourceBanner.setText(text)

    def show_idle(self) -> None:
        self.invalid = None
        self.statusBadge.show_idle()
        self.sourceBanner.setText("")
        self._set_banner_state("")

    def set_stale(self, why: str) -> None:
        """Say the result shown no longer matches the form (and freeze its ticks), or lift it."""
        self._set_label(self.staleNotice, why)
        self.measuresTable.setEnabled(not why)

    # -- a result -----------------------------------------------------------------------------

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        self.invalid = None
        self.set_stale("")
        self._render_texts(result)
        self._fill_hits(result)
        self._fill_related(result)
        self._fill_measures(result)

    def _show_again(self, result: CheckResult) -> None:
        """The same result in the new language, as the clerk left it: the ticks they changed,
        the rows they selected (F6 checks the related person selected) and the stale notice
        (the page says it again in the new language once every panel has its texts)."""
        ticks = [self.measuresTable.item(index, 0).checkState() for index in range(len(self.rows))]
        current = {table: table.currentRow()
                   for table in (self.hitsTable, self.relatedTable, self.measuresTable)}
        why = self.staleNotice.text()
        self.show_result(result)
        self.measuresTable.blockSignals(True)  # put back as they were, not a change of the clerk's
        for index, state in enumerate(ticks):
            self.measuresTable.item(index, 0).setCheckState(state)
        self.measuresTable.blockSignals(False)
        for table, row in current.items():
            if 0 <= row < table.rowCount():
                table.setCurrentCell(row, table.currentColumn() if table.currentColumn() >= 0 else 0)
        self.set_stale(why)

    def _render_texts(self, result: CheckResult) -> None:
        self.statusBadge.show_result(result)
        self.subjectLabel.setText(self._subject_text(result))
        self.subjectLabel.setToolTip(tooltip(self._subject_text(result, full=True)))
        self.sourceBanner.setText(self._source_text(result))
        self._set_banner_state(banner_state(result), result.demo)
        notices = [i18n.render(n) for n in result.notices]
        unknown = notices.pop(0) if result.subject_known is False and notices else ""
        self._set_label(self.unknownSubjectNotice, unknown)
        if result.item is None:
            notices.append(self.tr("未选择办事事项：不显示奖惩措施，记档前请先选择事项。"))
        self._set_label(self.noticeLabel, "\n".join(notices))
        self._set_label(self.hitsNote, self._hits_note(result))

    @staticmethod
    def _set_label(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
        label.setVisible(bool(text))

    def _set_banner_state(self, state: str, demo: bool = False) -> None:
        """The banner's look follows where the answer came from (style sheet: #sourceBanner)."""
        banner = self.sourceBanner
        if banner.property("state") == state and bool(banner.property("demo")) == demo:
            return
        banner.setProperty("state", state)
        banner.setProperty("demo", demo)
        banner.style().unpolish(banner)
        banner.style().polish(banner)

    def _subject_text(self, r: CheckResult, *, full: bool = False) -> str:
        """The subject line; long names and item names cut unless ``full`` (the hover text)."""
        cut = (lambda text: text) if full else shown
        name = cut(r.subject.name) if r.subject else self.tr("（数据中无此主体）")
        kind = self.tr("自然人") if r.kind == CodeKind.PERSON else self.tr("组织机构")
        item = ""
        if r.item is not None and r.item.name != r.item.item_code:
            item = "    " + (self.tr("事项：%1（%2）").replace("%1", cut(r.item.name))
                              .replace("%2", cut(r.item.item_code)))
        elif r.item is not None:  # typed without a catalogue: the code is all there is
            item = "    " + self.tr("事项：%1").replace("%1", cut(r.item.item_code))
        via = ""
        if r.via is not None:  # a person checked through their unit (F6)
            via = "  " + (self.tr("（单位 %1 的%2）").replace("%1", r.via.unit_code)
                          .replace("%2", core_text(ROLE_LABELS[r.via.role])))
        return f"{r.masked_code}  {name}  [{kind}]{via}{item}"

    def _source_text(self, r: CheckResult) -> str:
        if r.status == Status.UNVERIFIED:
            text = self.tr("未能核实：平台和离线数据都无法给出结论。")
        elif r.source == Source.PLATFORM:
            text = self.tr("在线：省信用平台，数据截至 %1").replace("%1", as_of_text(r.data_as_of))
            if r.stale:
                text += self.tr("（平台数据已较旧，请告知信息技术人员）")
        else:
            text = (self.tr("离线数据 第 %1 版，数据截至 %2").replace("%1", str(r.snapshot_version))
                    .replace("%2", as_of_text(r.data_as_of)))
            if r.stale:
                text += self.tr("（数据已较旧，请尽快更新离线数据）")
        if r.reason:
            text += "\n" + i18n.render(r.reason)
        if r.demo:
            text = self.tr("演示数据 / DEMO DATA") + "  " + text
        return text + "  ·  " + self.tr("核查时间 %1").replace("%1", checked_at_text(r.checked_at))

    def _hits_note(self, r: CheckResult) -> str:
        """Why entries are listed that do not make a hit, or that mandate nothing yet."""
        states = [policy.state_of(h, r.checked_at) for h in r.hits]
        lines = []
        inactive = sum(s in ("repaired", "lapsed", "removed") for s in states)
        if inactive:
            lines.append(self.tr("下表列出 %1 条已信用修复、已到期或已移出的记录：仅供了解，不构成命中，不据此采取惩戒措施。")
                         .replace("%1", str(inactive)))
        objections = states.count("objection")
        if objections:
            lines.append(self.tr("%1 条记录异议处理中：须告知申请人；异议处理完毕前，不据此执行必须执行的惩戒措施。")
                         .replace("%1", str(objections)))
        return "\n".join(lines)

    def _fill_hits(self, r: CheckResult) -> None:
        rows, tips = [], []
        for h in r.hits:
            state = policy.state_of(h, r.checked_at)
            state = core_text(STATE_LABELS.get(state, state))
            # Cells hold the start of long platform text; the whole of it is on hover.
            rows.append((shown(h.list_name), core_text(SEVERITY_LABELS.get(h.severity, h.severity)),
                         state, shown(h.authority), h.listed_on, h.expires_on or self.tr("无固定期限"),
                         shown(h.basis, TEXT_SHOWN_CHARS)))
            tips.append(tooltip("\n".join((h.list_name, h.authority, h.basis))))
        self.hitsTable.fill(rows, tips)

    def _fill_related(self, r: CheckResult) -> None:
        rows, tips = [], []
        for person in r.related:
            listed = policy.counting_hits(person.hits, r.checked_at)
            entries = "；".join(
                f"{h.list_name}［{core_text(STATE_LABELS.get(policy.state_of(h, r.checked_at), h.state))}］"
                f"{h.authority}，{h.listed_on}" for h in listed) or self.tr("未发现名单信息")
            rows.append((core_text(ROLE_LABELS[person.role]), person.name, person.code_masked,
                         entries))
            tips.append(tooltip("；".join(h.basis for h in listed)))
        self.relatedTable.fill(rows, tips)
        self.relatedTable.setVisible(bool(rows))

    def selected_related(self):
        """The person selected in the related table (the legal representative by default)."""
        if self.result is None or not self.result.related:
            return None
        row = max(self.relatedTable.currentRow(), 0)
        return self.result.related[min(row, len(self.result.related) - 1)]

    def _fill_measures(self, r: CheckResult) -> None:
        table = self.measuresTable
        names = {h.list_code: h.list_name for h in r.hits}
        self.rows = measure_rows(r.measures)
        texts, tips = [], []
        for row in self.rows:
            m = row.first
            content = shown(m.content, TEXT_SHOWN_CHARS)    # whole in the detail pane
            if len(row.measures) > 1:
                content += "\n" + self.tr("（%1 均规定此措施）").replace(
                    "%1", self.tr("、").join(names.get(c, c) for c in row.list_codes))
            nature = self.tr("惩戒") if m.nature == "punish" else self.tr("激励")
            if m.effect in EFFECT_LABELS:
                nature += "\n" + core_text(EFFECT_LABELS[m.effect])
            texts.append(("", nature, shown(m.category), content, self._requirement(row)))
            tips.append(tooltip(self.tr("法律依据：%1").replace(
                "%1", "；".join(dict.fromkeys(x.basis for x in row.measures)))))
        table.blockSignals(True)  # ticks set here are the preset, not the clerk's change
        table.fill(texts, tips)
        for index, row in enumerate(self.rows):
            tick = table.item(index, 0)
            # A measure that does not bind this subject cannot be applied to it: no tick box.
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | (Qt.ItemFlag.ItemIsUserCheckable if row.applies
                             else Qt.ItemFlag.NoItemFlags))
            tick.setCheckState(Qt.CheckState.Checked if row.mandatory else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, list(row.ids))
        if self.rows:
            table.setCurrentCell(0, 0)  # signals still held: the detail is written once, here
        table.blockSignals(False)
        if self.rows:
            self._show_measure(0)  # replaces the last result's detail in one go
        else:
            self.measureDetail.clear()

    def lay_out_detail(self) -> None:
        """The paragraphs the detail pane shows laid out now, at the width they are painted in.
        Left to the pane's paint, each one laid out there grew the scroll bar's range, and the
        bar was painted again in a second pass after the page's. Only those in view: the rest are
        laid out as the clerk scrolls, as before (all of a 10,000-line text took 0.3 s)."""
        detail = self.measureDetail
        room = detail.viewport().height()
        block = detail.document().firstBlock()
        while block.isValid() and room > 0:
            room -= detail.blockBoundingRect(block).height()
            block = block.next()

    def _requirement(self, row: MeasureRow) -> str:
        if not row.applies:
            target = row.first.target
            return self.tr("不适用：对象为%1").replace(
                "%1", core_text(TARGET_LABELS.get(target, target)))
        return self.tr("必须执行") if row.mandatory else self.tr("可选")

    def _show_measure(self, row: int) -> None:
        if self.result is None or not 0 <= row < len(self.rows):
            self.measureDetail.clear()
            return
        names = {h.list_code: h.list_name for h in self.result.hits}
        parts = []
        for m in self.rows[row].measures:
            need = self._requirement(MeasureRow((m,)))
            facts = [self.tr("名单：%1").replace("%1", names.get(m.list_code, m.list_code)),
                     self.tr("对象：%1").replace("%1", core_text(TARGET_LABELS.get(m.target, m.target)))]
            if m.effect in EFFECT_LABELS:
                facts.append(self.tr("效果：%1").replace("%1", core_text(EFFECT_LABELS[m.effect])))
            basis = m.basis
            if m.basis_level in BASIS_LEVEL_LABELS:
                basis += "（" + core_text(BASIS_LEVEL_LABELS[m.basis_level]) + "）"
            if m.catalogue_ref:
                facts.append(self.tr("全国失信惩戒措施基础清单：%1").replace("%1", m.catalogue_ref))
            parts.append(f"{m.measure_id}  {m.category}（{need}）\n" + "\n".join(facts)
                         + f"\n\n{m.content}\n\n" + self.tr("法律依据：%1").replace("%1", basis))
        text = "\n\n――――\n\n".join(parts)
        if self.measureDetail.toPlainText() != text:
            self.measureDetail.setPlainText(text)

    # -- the ticks, read and guarded by the record panel ---------------------------------------

    def applied_measures(self) -> tuple[str, ...]:
        table = self.measuresTable
        return tuple(measure_id for index, row in enumerate(self.rows)
                     if table.item(index, 0).checkState() == Qt.CheckState.Checked
                     for measure_id in row.ids)

    def retick(self, cell: QTableWidgetItem) -> None:
        """Put a tick back without announcing it as the clerk's change."""
        self.measuresTable.blockSignals(True)
        cell.setCheckState(Qt.CheckState.Checked)
        self.measuresTable.blockSignals(False)
