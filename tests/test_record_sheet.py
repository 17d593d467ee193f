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
