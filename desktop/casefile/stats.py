"""Monthly statistics of the case file (`credit-desk cases stats`): how many checks, how many hits
and of which severity, which measures were applied, which outcomes, how many checks could not be
verified, and how much the hall relied on offline data.

A check counts in the China civil month it ran in. Its outcome and applied measures are those of
the last record on it, so a later decision or correction replaces the first answer instead of
counting twice. The aggregation runs in SQLite over the generated columns, so a month of a busy
hall is summed without loading its records into Python. Qt-free."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from desktop.casefile.record import CHINA_TZ, OUTCOMES, SEVERITY_LABELS, CaseRecord, utc_text
from desktop.casefile.store import CaseFile
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError


WATCH_LABELS = {"raised": QT_TRANSLATE_NOOP("core", "跟踪提醒：本月提出"),
                "settled": QT_TRANSLATE_NOOP("core", "跟踪提醒：本月处理"),
                "open": QT_TRANSLATE_NOOP("core", "跟踪提醒：月末待处理")}


@dataclass(frozen=True)
class MonthlyStats:
    month: str
    item_code: str | None
    operator: str | None
    checks: int
    unverified: int
    offline: int
    hits: int
    hits_by_severity: dict[str, int] = field(default_factory=dict)
    measures_applied: dict[str, tuple[str, int]] = field(default_factory=dict)  # id: (content, n)
    outcomes: dict[str, int] = field(default_factory=dict)
    decisions: int = 0  # later decisions and corrections on these checks
    # Post-approval watch (desktop.casefile.watch): alerts raised (first shown) and settled in
    # the month, and those still open at its end; with a filter, only the alerts on checks of
    # that item or recorded by that operator, like the other counts.
    alerts_raised: int = 0
    alerts_settled: int = 0
    alerts_open: int = 0
    # Credit commitments, each counted in the month it happened: made (with a check), fulfilled,
    # breached (later decisions), overdue (due in the month, not settled by its due date).
    commitments: dict[str, int] = field(default_factory=dict)

    @property
    def offline_share(self) -> float:
        return self.offline / self.checks if self.checks else 0.0

    def rows(self) -> list[tuple[str, str, str, int | float]]:
        """(section, key, label, value): the table and the CSV are both made from these. Labels
        are zh_CN templates of context "core" (a measure's content excepted: data, as stated)."""
        rows = [("checks", "total", QT_TRANSLATE_NOOP("core", "核查次数"), self.checks),
                ("checks", "unverified", QT_TRANSLATE_NOOP("core", "未能核实"), self.unverified),
                ("checks", "offline", QT_TRANSLATE_NOOP("core", "使用离线数据"), self.offline),
                ("checks", "offline_share", QT_TRANSLATE_NOOP("core", "离线占比"),
                 round(self.offline_share, 4)),
                ("hits", "total", QT_TRANSLATE_NOOP("core", "命中名单的核查"), self.hits)]
        rows += [("hits", s, SEVERITY_LABELS[s], self.hits_by_severity.get(s, 0))
                 for s in SEVERITY_LABELS]
        rows += [("measures", m, content, n) for m, (content, n) in self.measures_applied.items()]
        rows += [("outcomes", o, label, self.outcomes.get(o, 0)) for o, label in OUTCOMES.items()]
        rows.append(("decisions", "total", QT_TRANSLATE_NOOP("core", "后续决定与更正"), self.decisions))
        rows += [("watch", "raised", WATCH_LABELS["raised"], self.alerts_raised),
                 ("watch", "settled", WATCH_LABELS["settled"], self.alerts_settled),
                 ("watch", "open", WATCH_LABELS["open"], self.alerts_open)]
        rows += [("commitments", k, label, self.commitments.get(k, 0))
                 for k, label in COMMITMENT_COUNTS.items()]
        return rows


COMMITMENT_COUNTS = {"made": QT_TRANSLATE_NOOP("core", "作出信用承诺"),
                     "fulfilled": QT_TRANSLATE_NOOP("core", "承诺已履约"),
                     "breached": QT_TRANSLATE_NOOP("core", "承诺不实/违诺"),
                     "overdue": QT_TRANSLATE_NOOP("core", "承诺逾期未处理")}


def commitment_counts(case_file: CaseFile, start: str, end: str, today: date, *,
                      item_code: str | None = None, operator: str | None = None) -> dict[str, int]:
    """The month's commitments from the records that carry one (a few per day at most)."""
    counts = dict.fromkeys(COMMITMENT_COUNTS, 0)
    first: dict[int, CaseRecord] = {}
    settled: dict[int, CaseRecord] = {}
    for r in case_file.with_commitments():
        if r.kind == "check":
            first[r.check_id] = r
        elif r.commitment["state"] in ("fulfilled", "breached"):
            settled.setdefault(r.check_id, r)
    day_start = datetime.fromisoformat(start).astimezone(CHINA_TZ).date()
    day_end = datetime.fromisoformat(end).astimezone(CHINA_TZ).date()
    for check_id, r in first.items():
        if (item_code and r.item_code != item_code) or (operator and r.operator != operator):
            continue
        if start <= r.checked_at < end:
            counts["made"] += 1
        done = settled.get(check_id)
        if done is not None and start <= done.recorded_at < end:
            counts[done.commitment["state"]] += 1
        due = r.commitment.get("due")
        if not due:
            continue
        due_day = date.fromisoformat(due)
        done_day = (datetime.fromisoformat(done.recorded_at).astimezone(CHINA_TZ).date()
                    if done is not None else None)
        if day_start <= due_day < day_end and due_day < today and (done_day is None or done_day > due_day):
            counts["overdue"] += 1
    return counts


# Dates a query may name: a case file's records fall well inside, and the bounds' arithmetic
# (the next day, the next month, China time to UTC) stays inside what datetime can hold.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def month_bounds(month: str) -> tuple[str, str]:
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=CHINA_TZ)
    except ValueError:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "月份“{month}”格式不对，应为 YYYY-MM，例如 2026-11。"),
                                {"month": month})) from None
    if not FIRST_YEAR <= start.year <= LAST_YEAR:  # 9999-12 ended in year 10000: "damaged"
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "月份“{month}”超出可查询的范围（{first}–{last} 年）。"),
            {"month": month, "first": FIRST_YEAR, "last": LAST_YEAR}))
    end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return utc_text(start), utc_text(end)


def monthly(case_file: CaseFile, month: str, *, item_code: str | None = None,
            operator: str | None = None) -> MonthlyStats:
    start, end = month_bounds(month)
    with case_file.lock:
        result = _month(case_file, month, start, end, item_code, operator)
    raised, settled, still_open = _watch_counts(case_file, start, end, item_code, operator)
    today = datetime.now(CHINA_TZ).date()
    return replace(result, alerts_raised=raised, alerts_settled=settled, alerts_open=still_open,
                   commitments=commitment_counts(case_file, start, end, today,
                                                 item_code=item_code, operator=operator))


def _watch_counts(case_file: CaseFile, start: str, end: str, item_code: str | None,
                  operator: str | None) -> tuple[int, int, int]:
    from desktop.casefile.watch import WATCH_FILE, Watch

    if not (case_file.path.parent / WATCH_FILE).exists():
        return 0, 0, 0  # the watch never ran on this desk (or this is a copy without it)
    with Watch(case_file) as watch:
        return watch.month_counts(start, end, item_code=item_code, operator=operator)


def _month(case_file, month, start, end, item_code, operator) -> MonthlyStats:
    conn = case_file.db.conn
    filters, params = "", [start, end, start, end]
    for column, value in (("item_code", item_code), ("operator", operator)):
        if value is not None:
            filters += f" AND c.{column} = ?"
            params.append(value)
    conn.execute("DROP TABLE IF EXISTS temp.month_checks")
    # One row per check of the month: the check's own facts, the last record's decision.
    conn.execute(
        "CREATE TEMP TABLE month_checks AS "
        "SELECT c.record_id AS check_id, c.status, c.source, "
        "       json_extract(c.body, '$.severities') AS severities, "
        "       d.record_id AS last_id, d.outcome, "
        "       json_extract(d.body, '$.measures_applied') AS applied "
        "FROM records c "
        "JOIN (SELECT check_id, max(record_id) AS rid FROM records "
        "      WHERE checked_at >= ? AND checked_at < ? GROUP BY check_id) l "
        "  ON l.check_id = c.record_id "
        "JOIN records d ON d.record_id = l.rid "
        "WHERE c.kind = 'check' AND c.checked_at >= ? AND c.checked_at < ?" + filters, params)
    try:
        return _aggregate(conn, case_file, month, item_code, operator)
    finally:
        conn.execute("DROP TABLE temp.month_checks")


def _aggregate(conn, case_file, month, item_code, operator) -> MonthlyStats:
    checks, unverified, offline, hits = conn.execute(
        "SELECT count(*), coalesce(sum(status = 'unverified'), 0), "
        "coalesce(sum(source = 'offline'), 0), coalesce(sum(status = 'hit'), 0) "
        "FROM month_checks").fetchone()
    by_severity = dict(conn.execute(
        "SELECT s.value, count(*) FROM month_checks, json_each(month_checks.severities) s "
        "WHERE status = 'hit' GROUP BY s.value"))
    applied = conn.execute(
        "SELECT a.value, count(*), min(last_id) FROM month_checks, "
        "json_each(month_checks.applied) a GROUP BY a.value ORDER BY a.value").fetchall()
    measures = {m: (_measure_content(case_file, m, rid), n) for m, n, rid in applied}
    outcomes = dict(conn.execute("SELECT outcome, count(*) FROM month_checks GROUP BY outcome"))
    decisions = conn.execute(
        "SELECT count(*) FROM month_checks m JOIN records r ON r.check_id = m.check_id "
        "WHERE r.kind = 'decision'").fetchone()[0]
    return MonthlyStats(month=month, item_code=item_code, operator=operator, checks=checks,
                        unverified=unverified, offline=offline, hits=hits,
                        hits_by_severity=by_severity, measures_applied=measures,
                        outcomes=outcomes, decisions=decisions)


def _measure_content(case_file: CaseFile, measure_id: str, record_id: int) -> str:
    record = case_file.get(record_id)
    return next((m.content for m in record.measures_shown if m.measure_id == measure_id), "")


SECTIONS = {"checks": QT_TRANSLATE_NOOP("core", "核查"),
            "hits": QT_TRANSLATE_NOOP("core", "名单命中（按类别）"),
            "measures": QT_TRANSLATE_NOOP("core", "已执行的措施"),
            "outcomes": QT_TRANSLATE_NOOP("core", "办理结果"),
            "decisions": QT_TRANSLATE_NOOP("core", "后续决定与更正"),
            "watch": QT_TRANSLATE_NOOP("core", "事中事后监管"),
            "commitments": QT_TRANSLATE_NOOP("core", "信用承诺")}
CSV_HEADER = (QT_TRANSLATE_NOOP("core", "月份"), QT_TRANSLATE_NOOP("core", "事项"),
              QT_TRANSLATE_NOOP("core", "操作员"), QT_TRANSLATE_NOOP("core", "栏目"),
              QT_TRANSLATE_NOOP("core", "键"), QT_TRANSLATE_NOOP("core", "名称"),
              QT_TRANSLATE_NOOP("core", "数值"))

Translate = Callable[[str, str], str]


def _as_is(_context: str, text: str) -> str:
    return text


def format_table(stats: MonthlyStats) -> str:
    scope = f"事项：{stats.item_code or '全部'}；操作员：{stats.operator or '全部'}"
    lines = [f"信用核查月度统计 {stats.month}（{scope}）"]
    titles = {k: v for k, v in SECTIONS.items() if k not in ("checks", "decisions")}
    section = "checks"
    for sec, key, label, value in stats.rows():
        if sec != section and sec in titles:
            lines.append(titles[sec])
        section = sec
        indent = "  " if sec in titles and key != "total" else ""
        shown = f"{value:.1%}" if key == "offline_share" else str(value)
        name = f"{key} {label}" if sec == "measures" else label
        lines.append(f"{indent}{_pad(name, 36 - len(indent))}{shown:>8}")
    return "\n".join(lines)


def csv_texts(stats: MonthlyStats) -> set[str]:
    """Every template ``write_csv`` translates: a caller translates them on its own thread."""
    return {*CSV_HEADER, *SECTIONS.values(),
            *(label for section, _key, label, _value in stats.rows() if section != "measures")}


def write_csv(stats: MonthlyStats, path: Path, translate: Translate = _as_is) -> Path:
    """Headers, sections and labels in the caller's language (``translate`` as Qt's
    ``QCoreApplication.translate``: the window passes its own, the command line none, so zh_CN);
    the key column keeps the machine keys (outcome codes, measure ids) for scripts."""
    # UTF-8 with a BOM: the spreadsheet programs in the halls read Chinese CSV correctly only so.
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([translate("core", h) for h in CSV_HEADER])
            for section, key, label, value in stats.rows():
                shown = label if section == "measures" else translate("core", label)
                writer.writerow([_cell(c) for c in (
                    stats.month, stats.item_code or "", stats.operator or "",
                    translate("core", SECTIONS[section]), key, shown, value)])
    except IsADirectoryError as exc:  # the export share given instead of a file in it
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "{path} 是文件夹：请给出 CSV 文件名（如 {path}/统计.csv）。未写出。"),
            {"path": str(path)}), exit_code=2) from exc
    except OSError as exc:  # a full disk, a read-only share, a device
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "无法写出 CSV 文件 {path}：{error}。请检查磁盘空间和写入权限，或换一个位置。"),
            {"path": str(path), "error": exc.strerror or type(exc).__name__}),
            exit_code=7) from exc
    return path


def _cell(value):
    """A text cell a spreadsheet would evaluate (=, +, -, @, a tab or return first: a
    measure's id or content from the platform) starts with an apostrophe, which the spreadsheet
    shows as text; counts stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two columns in a terminal."""
    used = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(1, width - used)
