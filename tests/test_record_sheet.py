"""The PDF record sheet: produced headless, readable back, Chinese in the system CJK font."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pypdf
import pytest
from casefile_fixtures import (
    BLACK_HIT,
    DESK,
    M_GREEN,
    M_LIMIT,
    PERSON_CODE,
    RED_HIT,
    approve,
    black_result,
    result,
)

from desktop.casefile import sheet as record_sheet
from desktop.casefile.store import CaseFile
from desktop.check.model import CodeKind, Source, Status

REPO = Path(__file__).resolve().parent.parent
# Qt's PDF text map names the lowest code point of a glyph, so where Noto CJK shares a glyph
# between an ideograph and a radical, extraction yields the radical. NFKC folds the Kangxi radical
# block; the few radicals-supplement forms in these sheets are folded here.
SUPPLEMENT = str.maketrans({"\u2edd": "食", "\u2ed4": "门", "\u2ea0": "民", "\u2ed3": "长",
                            "\u2ec5": "见", "\u2ecb": "车", "\u2eda": "页"})


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(SUPPLEMENT).split())


def pdf_text(path: Path) -> str:
    return norm("".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


def font_names(path: Path) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    """The suite also shows widgets, which need a QApplication: take pytest-qt's, so that the
    sheet writer does not start a bare QGuiApplication first (as it does in the command line)."""
    return qapp


@pytest.fixture
def cf(tmp_path):
    with CaseFile(tmp_path / "cases.sqlite") as case_file:
        yield case_file


def test_person_sheet_holds_the_record_with_the_code_masked(cf, tmp_path):
    check = result(code=PERSON_CODE, kind=CodeKind.PERSON, status=Status.HIT, name="张三",
                   hits=(BLACK_HIT, RED_HIT), measures=(M_LIMIT, M_GREEN), demo=True,
                   source=Source.OFFLINE)
    record = cf.record_check(check, approve(outcome="rejected", measures_applied=("M-01",),
                                            note="当场告知申请人"), DESK)
    path = record_sheet.render_sheet(record, tmp_path / "out" / "sheet.pdf")
    text = pdf_text(path)
    assert "信用核查记录单" in text
    assert "440301********1234" in text and PERSON_CODE not in text
    for expected in ("440106-01/12", "op-0117", "BJ-2026-0001", "食品经营许可", "张三",
                     "2026-11-0310:15:00",  # China time of 02:15 UTC
                     "离线数据（快照版本42）", "失信被执行人名单", "广州市中级人民法院", "2025-03-01",
                     "《最高人民法院关于公布失信被执行人名单信息的若干规定》", "A级纳税人名单",
                     "M-01", "限制：限制其取得食品经营许可", "发改财金〔2016〕141号", "已执行",
                     "M-03", "绿色通道，容缺受理", "未执行", "不予办理", "当场告知申请人",
                     "演示数据/DEMODATA", record.hash, record.feedback_id):
        assert norm(expected) in text, expected
    assert any("NotoSansCJK" in name for name in font_names(path))
    assert not path.with_name("sheet.pdf.part").exists()


def test_org_sheet_shows_the_whole_code_and_no_demo_mark(cf, tmp_path):
    record = cf.record_check(result(), approve(), DESK)
    text = pdf_text(record_sheet.render_sheet(record, tmp_path / "s.pdf"))
    assert record.subject_code in text and "未发现名单记录" in text and "准予办理" in text
    assert "无名单记录" in text and "DEMO" not in text and "演示数据" not in text


def test_decision_sheet_names_the_record_it_decides(cf, tmp_path):
    first = cf.record_check(black_result(), approve(outcome="deferred",
                                                    measures_applied=("M-01",)), DESK)
    later = cf.record_decision(first.record_id, approve(outcome="referred",
                                                        measures_applied=("M-01",)), DESK)
    text = pdf_text(record_sheet.render_sheet(later, tmp_path / "d.pdf"))
    assert norm("针对记录 1") in text and "移交核实" in text


def test_sheets_for_many_records(cf, tmp_path):
    records = [cf.record_check(result(), approve(case_no=f"N{n}"), DESK) for n in range(3)]
    paths = record_sheet.render_sheets(records, tmp_path / "sheets")
    assert [p.name for p in paths] == ["record-00000001.pdf", "record-00000002.pdf",
                                       "record-00000003.pdf"]
    assert all(len(pypdf.PdfReader(p).pages) >= 1 for p in paths)


def test_markup_in_clerk_text_is_printed_not_interpreted(cf, tmp_path):
    record = cf.record_check(result(), approve(note="<b>加粗</b> & 说明"), DESK)
    assert norm("<b>加粗</b> & 说明") in pdf_text(record_sheet.render_sheet(record, tmp_path / "m.pdf"))


def test_missing_cjk_font_is_refused(cf, tmp_path, monkeypatch):
    record = cf.record_check(result(), approve(), DESK)
    monkeypatch.setattr(record_sheet, "CJK_FAMILIES", ("No Such Font SC",))
    with pytest.raises(record_sheet.SheetFontMissing, match="fonts-noto-cjk"):
        record_sheet.render_sheet(record, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_reprint_from_a_worker_thread_while_the_window_runs(cf, tmp_path):
    """The window renders on its workers, never on the GUI thread: several at once must work."""
    from concurrent.futures import ThreadPoolExecutor

    records = [cf.record_check(black_result(), approve(case_no=f"W{n}", outcome="rejected",
                                                       measures_applied=("M-01",)), DESK)
               for n in range(3)]
    with ThreadPoolExecutor(3) as pool:
        paths = list(pool.map(lambda r: record_sheet.render_sheet(
            r, tmp_path / f"w{r.record_id}.pdf"), records))
    for record, path in zip(records, paths):
        text = pdf_text(path)
        assert norm(record.case_no) in text and "限制其取得食品经营许可" in text


def test_renders_headless_in_a_fresh_process(cf, tmp_path):
    cf.record_check(result(), approve(), DESK)
    code = textwrap.dedent(f"""
        from pathlib import Path
        from desktop.casefile.store import CaseFile
        from desktop.casefile.sheet import render_sheet
        with CaseFile(Path({str(cf.path)!r})) as cf:
            render_sheet(cf.get(1), Path({str(tmp_path / 'fresh.pdf')!r}))
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=env, timeout=120)
    assert "信用核查记录单" in pdf_text(tmp_path / "fresh.pdf")


# --- issue 10: what the paper archive says about the law, the entries and the applicant ---------

def _recorded_via_cli(capsys, code, item, outcome, *extra):
    import json as _json

    from desktop.app.cli import main
    from desktop.site import paths

    purpose = ["--purpose", "依法履职"] if code[:17].isdigit() else []  # a natural person
    status = main(["check", code, "--item", item, "--record", "--case-no", "GZ-2026-0042",
                   "--outcome", outcome, "--json", *purpose, *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    record_id = _json.loads(out)["record"]["record_id"]
    with CaseFile(paths.case_file()) as case_file:
        return case_file.get(record_id)


def _known():
    import json as _json

    return _json.loads((REPO / "resources" / "demo" / "known_codes.json").read_text(encoding="utf-8"))


def test_sheet_states_basis_level_applicant_notice_department_and_hall(capsys, tmp_path):
    known = _known()
    record = _recorded_via_cli(capsys, known["person_black"], "CZ-001", "rejected")
    path = record_sheet.render_sheet(record, tmp_path / "court.pdf")
    text = pdf_text(path)
    for expected in ("演示服务大厅（DEMO）", "实施部门：采购人或其委托的采购代理机构",
                     "适用对象/效果", "所有被核查主体/不予办理", "（法律）",
                     "申请人告知", "深圳市罗湖区人民法院（执行法院）书面申请纠正",
                     "不能向信用平台申请信用修复"):
        assert norm(expected) in text, expected
    # A court's entry: the applicant is never sent to a platform objection or repair.
    notice = text.split(norm("申请人告知"))[1]
    assert norm("提出异议") not in notice.split(norm("档案信息"))[0]


def test_sheet_of_a_department_listing_names_where_to_object_and_repair(capsys, tmp_path):
    known = _known()
    record = _recorded_via_cli(capsys, known["focus"], "CZ-001", "approved")
    text = pdf_text(record_sheet.render_sheet(record, tmp_path / "dept.pdf"))
    assert norm("可向广州市市场监督管理局提出异议") in text
    assert norm("可向广州市市场监督管理局申请信用修复") in text
    assert norm("（行政法规）") in text


def test_a_lapsed_entry_is_printed_as_lapsed_never_in_force(capsys, tmp_path):
    known = _known()
    record = _recorded_via_cli(capsys, known["expired_only"], "CZ-001", "approved")
    text = pdf_text(record_sheet.render_sheet(record, tmp_path / "lapsed.pdf"))
    assert norm("已到期") in text and norm("有效") not in text.split(norm("名单记录"))[1]
    assert norm("申请人告知") not in text          # nothing counted: nothing to tell


def test_an_unknown_subject_sheet_says_so_in_bold_words(capsys, tmp_path):
    known = _known()
    record = _recorded_via_cli(capsys, known["unknown_valid"], "SCJG-001", "approved",
                               "--note", "已核对营业执照原件")
    text = pdf_text(record_sheet.render_sheet(record, tmp_path / "unknown.pdf"))
    assert norm("主体核实数据中无此主体：请核对代码是否输入正确") in text
    assert norm("已核对营业执照原件") in text


def test_one_hit_with_two_measures_fits_one_a4_page(capsys, tmp_path):
    known = _known()
    # The food licence: the 严重违法失信名单 entry with both of its measures (general procedure,
    # stricter review), recorded with a note.
    record = _recorded_via_cli(capsys, known["objection"], "SCJG-003", "approved",
                               "--note", "异议处理中，按一般程序审查后准予办理")
    assert len(record.hits) == 1 and len(record.measures_shown) == 2
    path = record_sheet.render_sheet(record, tmp_path / "one.pdf")
    assert len(pypdf.PdfReader(path).pages) == 1
    # The longest bases of the demo data: a court entry with two measures citing four documents.
    long_measure = M_LIMIT.__class__(**{**M_LIMIT.__dict__, "measure_id": "M-02",
                                        "basis": M_LIMIT.basis * 6})
    check = black_result(demo=True)
    check = check.__class__(**{**check.__dict__, "measures": (M_LIMIT, long_measure)})
    record = CaseFile(tmp_path / "cases2.sqlite").record_check(
        check, approve(outcome="rejected", measures_applied=("M-01", "M-02"), note="当场告知"), DESK)
    path = record_sheet.render_sheet(record, tmp_path / "two.pdf")
    assert len(pypdf.PdfReader(path).pages) == 1
