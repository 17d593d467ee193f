"""The record sheet (信用核查记录单): one PDF per case record, for the paper archive.

Written with Qt's own PDF engine (QPdfWriter printing a QTextDocument), so there is no extra
dependency and the sheet looks the same from the window, the command line and the tests. Runs
headless: a QGuiApplication is created when none exists (offscreen where there is no display).

Chinese text is set in the system CJK font, Noto Sans CJK SC (fonts-noto-cjk on Linux), falling
back to the Chinese fonts Windows ships; Latin letters and digits come from a Latin font listed
first, because Qt's PDF text map loses the digits it shapes with Noto CJK's Latin glyphs (they
print right but extract as control characters). Qt embeds the used glyphs as a subset, so the
sheet prints anywhere. Known limit of Qt's PDF text map: where the CJK font shares one glyph
between an ideograph and a radical code point (用/⽤, 食/⻝), extracted text carries the radical;
the printed sheet is unaffected. This is the only case file module that imports Qt, and only
QtGui."""
from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)

from desktop.casefile.record import (
    BASIS_LEVEL_LABELS,
    EFFECT_LABELS,
    OUTCOMES,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    TARGET_LABELS,
    CaseRecord,
    local_text,
)
from desktop.casefile.commitments import STATE_LABELS as COMMITMENT_STATE_LABELS
from desktop.check.model import COMMITMENT_LABELS, ROLE_LABELS, Hit
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

TITLE = "信用核查记录单"
DEMO_MARK = "演示数据 / DEMO DATA"
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "SimSun",
                "WenQuanYi Micro Hei")
LATIN_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans", "Segoe UI", "Arial")

_app = None  # keeps a QGuiApplication this module created alive for the process


class SheetFontMissing(UserError):
    exit_code = 1


def ensure_gui() -> QGuiApplication:
    """The running QGuiApplication, or a headless one."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                     or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = _app = QGuiApplication([sys.argv[0] if sys.argv else "credit-desk"])
    return app


def sheet_font() -> QFont:
    """A Latin family for letters and digits, then the CJK family for everything else."""
    ensure_gui()
    available = set(QFontDatabase.families())
    cjk = next((f for f in CJK_FAMILIES if f in available), None)
    if cjk is None:
        # A sheet of empty boxes in the archive is worse than no sheet: refuse, say what to install.
        raise SheetFontMissing(Message(QT_TRANSLATE_NOOP(
            "core", "无法生成记录单：系统没有中文字体（需要 {fonts} 之一，Linux 请安装 fonts-noto-cjk）。"),
            {"fonts": "、".join(CJK_FAMILIES)}))
    font = QFont()
    font.setFamilies([f for f in LATIN_FAMILIES if f in available][:1] + [cjk])
    font.setPointSizeF(9.5)
    return font


def render_sheet(record: CaseRecord, path: Path) -> Path:
    """Write the record sheet of one record to ``path`` (replaced atomically) and return it.

    The window calls this from a worker thread for a reprint: Qt's PDF writer and text layout
    work off the GUI thread once the application object exists. Only the command line and the
    tests call it with no application, and then a headless one is made here."""
    font = sheet_font()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    # No margins of its own: QTextDocument.print_ lays an unpaginated document out with 2 cm
    # margins on every side and numbers the pages, which is the archive's margin already.
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle(f"{TITLE} {record.case_no} #{record.record_id}")
    writer.setCreator("Credit Desk 信用核查窗口端")
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(sheet_html(record))
    doc.print_(writer)
    del writer  # the PDF is complete on disk only once the writer is gone
    os.replace(partial, path)
    return path


def render_sheets(records: list[CaseRecord], folder: Path) -> list[Path]:
    return [render_sheet(r, Path(folder) / sheet_name(r)) for r in records]


def sheet_name(record: CaseRecord) -> str:
    return f"record-{record.record_id:08d}.pdf"


def sheet_html(r: CaseRecord) -> str:
    """One A4 page for a check with a hit and two measures: the identity of the check in pairs,
    the entries and measures in grids, the applicant's notice and the archive data in small type."""
    e = _escape
    hall = f"{e(r.hall_name)}（{e(r.hall)}）" if r.hall_name else e(r.hall)
    item = f"{e(r.item_name)}（{e(r.item_code)}）"
    if r.item_department:
        item += f"；实施部门：{e(r.item_department)}"
    rows = [
        (("服务大厅 / 窗口", f"{hall} / {e(r.window)}"), ("操作员", e(r.operator))),
        (("办件编号", e(r.case_no) or "—"), ("核查时间", e(local_text(r.checked_at)))),
        (("办事事项", item),),
        (("主体代码", e(r.masked_code)), ("主体名称", e(r.subject_name) or "—")),
    ]
    # The unit's people on a list (an entry that counts), one line each, numbers masked (a paper
    # archive). The others stay in the record and the feedback: the page has no room for them.
    listed = [p for p in r.related if _counting(r, p)]
    rows += [((e(ROLE_LABELS.get(p.role, p.role)), _person_text(r, p)),) for p in listed]
    if r.known is False:
        # Never a bare "clear": the data does not know the code at all.
        unknown = next((n for n in r.notices if n.startswith(_UNKNOWN_PREFIXES)),
                       "数据中无此主体：请核对代码是否输入正确。")
        rows.append((("主体核实", f"<b>{e(unknown)}</b>"),))
    rows.append((("核查结论", _status_text(r)), ("数据来源", _source_text(r))))
    if r.reason:
        rows.append((("来源说明", e(r.reason)),))
    if r.kind == "decision":
        rows.append((("记录类型", f"后续决定 / 更正（针对记录 {r.refers_to}）"),))
    parts = [f'<h3 align="center" style="margin-bottom:2px">{TITLE}</h3>']
    if r.demo:
        parts.append(f'<p align="center" style="color:#c00000;margin-top:0"><b>{DEMO_MARK}</b>　'
                     '本记录单由演示数据生成，不能作为审批依据。</p>')
    parts.append(_pairs(rows))
    parts.append(_heading("名单记录"))
    parts.append(_hits_table(r) if r.hits else "<p>无名单记录。</p>")
    parts.append(_heading("联合奖惩措施"))
    parts.append(_measures_table(r) if r.measures_shown else "<p>本事项无适用的奖惩措施。</p>")
    others = [n for n in r.notices if not n.startswith(_UNKNOWN_PREFIXES)]
    if others:
        parts.append('<p style="font-size:8.5pt;margin-top:2px">'
                     + "<br/>".join(f"提示：{e(n)}" for n in others) + "</p>")
    parts.append(_heading("办理结果"))
    outcome = [(("办理结果", e(OUTCOMES.get(r.outcome, r.outcome))), ("说明", e(r.note) or "—"))]
    if r.commitment:
        pairs = _commitment_rows(r.commitment)
        outcome += [tuple(pairs[i:i + 2]) for i in range(0, len(pairs), 2)]
    parts.append(_pairs(outcome))
    notices = [applicant_notice(h) for h in r.counting_hits]
    if notices:
        parts.append(_heading("申请人告知"))
        parts.append('<p style="font-size:8.5pt;margin-top:0">' + "<br/>".join(e(n) for n in notices) + "</p>")
    parts.append(_heading("档案信息"))
    parts.append(_pairs([(("记录编号 / 时间", f"{r.record_id} / {e(local_text(r.recorded_at))}"),
                          ("反馈编号", e(r.feedback_id))),
                         (("本记录哈希", r.hash),), (("前一记录哈希", r.prev_hash),)], small=True))
    parts.append('<p style="margin-top:8px">经办人签字：____________　　　日期：____________</p>')
    return "<html><body>" + "\n".join(parts) + "</body></html>"


_UNKNOWN_PREFIXES = ("数据中无此主体", "外省主体")


def _heading(text: str) -> str:
    return f'<p style="font-weight:bold;font-size:11pt;margin-top:5px;margin-bottom:1px">{text}</p>'


def _pairs(rows: list[tuple[tuple[str, str], ...]], *, small: bool = False) -> str:
    """Label/value pairs, two to a row; a single pair spans the row."""
    label = '<td width="13%" style="background:#f0f0f0;white-space:nowrap">'
    body = ""
    for row in rows:
        if len(row) == 1:
            (name, value), = row
            body += f'<tr>{label}{name}</td><td colspan="3">{value}</td></tr>'
        else:
            body += "<tr>" + "".join(f'{label}{name}</td><td width="37%">{value}</td>'
                                     for name, value in row) + "</tr>"
    return (_GRID_OPEN if small else _TABLE_OPEN) + body + "</table>"


def applicant_notice(h: Hit) -> str:
    """What the applicant is told about one entry that counted: who listed it, on what basis, and
    where to object or apply for repair. A court's 失信被执行人 entry is corrected or deleted by
    the court itself; the credit platform cannot repair it."""
    head = f"{h.list_name}（{h.entry_id}）：由{h.authority}列入，依据：{h.basis}。"
    if h.severity == "red":
        return head + "守信激励信息，申请人可自愿选择是否适用有关便利措施。"
    if "人民法院" in h.authority:
        return (head + f"认为不应纳入、信息有误或者应予删除的，可向{h.authority}（执行法院）书面申请纠正；"
                "履行完毕等情形由执行法院删除失信信息，不能向信用平台申请信用修复。")
    return (head + f"信息有误的，可向{h.authority}提出异议；符合条件的，可向{h.authority}申请信用修复；"
            "对列入决定不服的，可依法申请行政复议或者提起行政诉讼。")


def _status_text(r: CaseRecord) -> str:
    text = STATUS_LABELS.get(r.status, r.status)
    if r.severities:
        text += "：" + "、".join(SEVERITY_LABELS.get(s, s) for s in r.severities)
    return _escape(text)


def _source_text(r: CaseRecord) -> str:
    text = SOURCE_LABELS.get(r.source, r.source)
    if r.snapshot_version is not None:
        text += f"（快照版本 {r.snapshot_version}）"
    text += "，数据截至 " + (local_text(r.data_as_of) if r.data_as_of else "—")
    if r.stale:
        text += "（离线数据已过提醒期限）"
    return _escape(text)


def _hits_table(r: CaseRecord) -> str:
    head = ("名单（条目编号）", "类别", "认定部门", "列入日期", "有效期至", "状态")
    rows = []
    for h in r.hits:
        state = r.entry_state(h)
        rows.append(((f"{h.list_name}（{h.entry_id}）", SEVERITY_LABELS.get(h.severity, h.severity),
                      h.authority, h.listed_on, h.expires_on or "—", STATE_LABELS.get(state, state)),
                     f"依据：{h.basis}"))
    return _grid(head, rows, (30, 12, 22, 12, 12, 12), nowrap={3, 4, 5})


def _counting(r: CaseRecord, person) -> tuple:
    return tuple(h for h in person.hits if r.entry_state(h) in ("active", "objection"))


def _person_text(r: CaseRecord, person) -> str:
    entries = "；".join(f"{h.list_name}（{h.entry_id}）［{STATE_LABELS.get(r.entry_state(h), h.state)}］"
                       for h in _counting(r, person))
    return _escape(f"{person.name}（{person.code_masked}）：{entries}")


def _commitment_rows(c: dict) -> list[tuple[str, str]]:
    e = _escape
    rows = [("信用承诺", e(COMMITMENT_LABELS.get(c["type"], c["type"]))),
            ("承诺书", f"{e(c['form_no'])}（文本 {e(c['template_id'])} 第 {e(c['template_version'])} 版）"),
            ("状态", e(COMMITMENT_STATE_LABELS.get(c["state"], c["state"])))]
    if c.get("missing"):
        rows.append(("欠缺材料", e("、".join(c["missing"]))))
    if c.get("due"):
        rows.append(("期限", e(c["due"])))
    return rows


def _measures_table(r: CaseRecord) -> str:
    head = ("编号", "措施内容 / 依据（层级；基础清单）", "适用对象 / 效果", "必须执行", "是否执行")
    applied = set(r.measures_applied)
    rows = []
    for m in r.measures_shown:
        nature = "惩戒" if m.nature == "punish" else "激励"
        content = f"{nature}·{m.category}：{m.content}" if m.category else f"{nature}：{m.content}"
        binds = TARGET_LABELS.get(m.target, m.target or "—")
        if not m.applies:
            binds += "（不适用于本主体）"
        effect = EFFECT_LABELS.get(m.effect, m.effect or "—")
        basis = f"依据：{m.basis}"
        level = [BASIS_LEVEL_LABELS.get(m.basis_level, m.basis_level)] if m.basis_level else []
        if m.catalogue_ref:
            level.append(f"基础清单 {m.catalogue_ref}")
        if level:
            basis += "（" + "；".join(level) + "）"
        rows.append(((m.measure_id, f"{content}\n{basis}", f"{binds} / {effect}",
                      "是" if m.mandatory else "否", "已执行" if m.measure_id in applied else "未执行"),
                     None))
    return _grid(head, rows, (9, 57, 16, 9, 9), nowrap={0, 3, 4})


def _grid(head: tuple[str, ...], rows: list[tuple[tuple[str, ...], str | None]],
          widths: tuple[int, ...], *, nowrap: set[int] = frozenset()) -> str:
    """A table with a header row; each row may carry a line spanning the whole table under it
    (a long basis reads in two wide lines rather than ten narrow ones). The ``nowrap`` columns
    (dates, ids, yes/no) never break a value over two lines."""
    cell = ['<td style="white-space:nowrap">' if i in nowrap else "<td>" for i in range(len(head))]
    top = "".join(f'<th width="{w}%" style="background:#f0f0f0'
                  + (';white-space:nowrap">' if i in nowrap else '">') + f"{h}</th>"
                  for i, (h, w) in enumerate(zip(head, widths)))
    body = ""
    for row, under in rows:
        body += "<tr>" + "".join(f"{cell[i]}{_escape(c).replace(chr(10), '<br/>')}</td>"
                                 for i, c in enumerate(row)) + "</tr>"
        if under:
            body += f'<tr><td colspan="{len(head)}">{_escape(under)}</td></tr>'
    return _GRID_OPEN + f"<tr>{top}</tr>" + body + "</table>"


_TABLE_OPEN = ('<table width="100%" border="1" cellspacing="0" cellpadding="3" '
               'style="border-collapse:collapse;border-color:#888">')
# A point smaller than the rest, so that dates, ids and "必须执行" fit their columns.
_GRID_OPEN = _TABLE_OPEN.replace('style="', 'style="font-size:9pt;').replace('cellpadding="3"', 'cellpadding="2"')


def _escape(value: object) -> str:
    return html.escape(str(value)) if value is not None else ""
