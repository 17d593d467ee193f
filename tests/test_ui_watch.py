"""The watch tab (跟踪) in the real window, on a production-style offline desk: a grant recorded
in the window, a USB import of newer data listing the subject, the count in the status bar, the
alert in the tab, settled from the keyboard, gone, and in the case file and the outbox."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QTableWidget
from snapshot_fixtures import KNOWN, Publisher, deploy
from ui_fixtures import (
    choose_item,
    close_window,
    open_window,
    outbox_rows,
    record,
    scan,
    stored_records,
    widget,
)

from desktop.app.cli import main as desk
from desktop.ui.dialogs.import_dialog import SnapshotImportDialog

GRANTED, UNTOUCHED = KNOWN["clear"][0], KNOWN["clear"][2]


@pytest.fixture
def production(tmp_path, desk_env):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    assert desk(["cache", "import", str(p.publish(1, v1))]) == 0
    return p, v1, v2


def usb_import(qtbot, window, path) -> None:
    window.action_import.trigger()
    dialog = window.findChild(SnapshotImportDialog)
    dialog.findChild(QLineEdit, "importPath").setText(str(path))
    with qtbot.waitSignal(dialog.finished_import, timeout=15_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importStartButton"),
                         Qt.MouseButton.LeftButton)
    dialog.close()
    window.activateWindow()  # as the clerk's click back into the window does
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def test_alert_after_a_usb_import_is_seen_and_settled_from_the_keyboard(qtbot, production):
    p, v1, v2 = production
    window = open_window(qtbot)
    try:
        indicator = widget(window, "watchIndicator", QLabel)
        qtbot.waitUntil(lambda: indicator.text() == "跟踪提醒：0", timeout=10_000)
        choose_item(qtbot, window, "CZ-001")
        for code in (GRANTED, UNTOUCHED):
            scan(qtbot, window, code)
            record(qtbot, window)
        assert [r["outcome"] for r in stored_records()] == ["approved", "approved"]

        usb_import(qtbot, window, p.publish_delta(1, 2, v1, v2))
        qtbot.waitUntil(lambda: indicator.text() == "跟踪提醒：1", timeout=10_000)

        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        view = window.watch_view
        assert window.tabs.currentWidget() is view
        table = widget(window, "watchTable", QTableView)
        model = table.model()
        assert model.rowCount() == 1
        cells = [model.index(0, c).data() for c in range(model.columnCount())]
        assert cells[1] == "1" and GRANTED in cells and "准予办理后新列入名单" in cells
        assert "未列入 → 有效" in cells and cells[-1] == "完好"
        detail = widget(window, "watchDetail")
        qtbot.waitUntil(lambda: "SQ" in detail.toPlainText() or "M-SX-01" in detail.toPlainText(),
                        timeout=5000)
        assert "M-SX-01" in detail.toPlainText() and "复核" in detail.toPlainText()

        # Filters: by change and by age.
        kinds, ages = widget(window, "watchKindFilter"), widget(window, "watchAgeFilter")
        kinds.setCurrentIndex(kinds.findData("lapsed"))
        assert model.rowCount() == 0
        kinds.setCurrentIndex(kinds.findData("listed"))
        assert model.rowCount() == 1
        ages.setCurrentIndex(ages.findData(-30))   # older than 30 days: not this one
        assert model.rowCount() == 0
        ages.setCurrentIndex(ages.findData(7))
        assert model.rowCount() == 1

        # Keyboard only: Enter on the alert goes to the note, Enter there settles.
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        note = widget(window, "watchNote", QLineEdit)
        assert note.hasFocus()
        qtbot.keyClick(note, Qt.Key.Key_Return)  # no note yet: refused, nothing written
        assert "写明做了什么" in widget(window, "watchMessage", QLabel).text()
        assert len(stored_records()) == 2
        qtbot.keyClicks(note, "checked with the court, supervision opened")
        with qtbot.waitSignal(view.follow_up_recorded, timeout=10_000):
            qtbot.keyClick(note, Qt.Key.Key_Return)
        assert model.rowCount() == 0 and indicator.text() == "跟踪提醒：0"
        widget(window, "watchShowClosed").setChecked(True)     # settled: still there to see
        assert model.rowCount() == 1 and model.index(0, model.columnCount() - 2).data() == "已处理"
        qtbot.waitUntil(lambda: "checked with the court" in detail.toPlainText(), timeout=5000)
        widget(window, "watchShowClosed").setChecked(False)
        follow = stored_records()[-1]
        assert follow["kind"] == "decision" and follow["refers_to"] == 1
        assert follow["follow_up"]["change"] == "listed"
        assert follow["note"] == "checked with the court, supervision opened"
        assert outbox_rows()[-1]["decision_kind"] == "follow_up"

        # The same data again, as a full snapshot: nothing comes back.
        usb_import(qtbot, window, p.publish(3, v2))
        qtbot.wait(200)
        view.refresh()
        qtbot.waitUntil(lambda: view._refresh_job is None, timeout=10_000)
        assert model.rowCount() == 0 and indicator.text() == "跟踪提醒：0"
    finally:
        close_window(window)


def test_a_legal_representative_listed_after_a_grant_shows_in_the_tab_with_the_person_masked(
        qtbot, tmp_path):
    """A demo desk: the unit granted in the window, the second demo version imported from a USB
    stick lists its legal representative; the tab names the unit's record, the person masked,
    the entry and M-SX-08, and the status bar counts it."""
    from offline_cache.demo import generate
    from offline_cache.demo import main as demo_main

    unit = KNOWN["unit_rep_clear"]
    stick = tmp_path / "stick"
    assert demo_main(["--second-version", str(stick)]) == 0
    window = open_window(qtbot)
    try:
        indicator = widget(window, "watchIndicator", QLabel)
        qtbot.waitUntil(lambda: indicator.text() == "跟踪提醒：0", timeout=10_000)
        choose_item(qtbot, window, "SCJG-001")
        scan(qtbot, window, unit)
        record(qtbot, window)
        assert [r["outcome"] for r in stored_records()] == ["approved"]

        usb_import(qtbot, window, stick)
        qtbot.waitUntil(lambda: indicator.text() == "跟踪提醒：1", timeout=15_000)
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        model = widget(window, "watchTable", QTableView).model()
        assert model.rowCount() == 1
        cells = [model.index(0, c).data() for c in range(model.columnCount())]
        assert cells[1] == "1" and unit in cells
        assert "准予办理后法定代表人或主要负责人新列入名单" in cells
        entry = next(c for c in cells if "SXBZXR-2026-90003" in c)
        assert entry.startswith("法定代表人 ") and "********" in entry
        detail = widget(window, "watchDetail")
        qtbot.waitUntil(lambda: "M-SX-08" in detail.toPlainText(), timeout=5000)
        whole = next(c for u, role, c, _ in generate().relations
                     if u == unit and role == "legal_rep")
        assert whole not in detail.toPlainText() and whole not in " ".join(cells)
        assert whole[:6] + "********" + whole[-4:] in entry
    finally:
        close_window(window)


def test_the_first_comparison_shows_the_indexing_progress_and_can_be_stopped(
        qtbot, production, monkeypatch, capsys):
    """A desk whose checks index is built from nothing (its first comparison): the tab says how
    far the indexing has gone, and the stop button (Esc) ends it with nothing half written; the
    next comparison completes."""
    import desktop.casefile.watch as core
    from desktop.casefile.store import CaseFile
    from desktop.casefile.watch import WATCH_FILE, Watch
    from desktop.site import paths
    from desktop.ui.watch_view import WatchView

    for n, code in enumerate((GRANTED, UNTOUCHED, KNOWN["clear"][1])):
        assert desk(["check", code, "--item", "CZ-001", "--record", "--case-no", f"IX-{n}",
                     "--outcome", "approved", "--offline"]) == 0
    capsys.readouterr()
    paths.case_file().with_name(WATCH_FILE).unlink()   # as on a desk's first comparison
    monkeypatch.setattr(core, "_SLICE", 1)
    said = []
    say = WatchView._say
    monkeypatch.setattr(WatchView, "_say", lambda self, text, error=False: (
        said.append(text), say(self, text, error=error)))
    window = open_window(qtbot)
    try:
        view = window.watch_view
        qtbot.waitUntil(lambda: view._refresh_job is None, timeout=10_000)
        assert "正在整理办件档案中的核查（首次比对）… 3/3" in said

        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        table = widget(window, "watchTable", QTableView)
        table.setFocus()
        view.refresh()
        assert view.refresh_button.text() == "停止比对"
        qtbot.keyClick(table, Qt.Key.Key_Escape)
        assert view._refresh_job is None and view.refresh_button.text() == "重新比对"
        assert said[-1].startswith("已停止比对")
    finally:
        close_window(window)
    # The stopped job never wrote half an index: a sync from here reads what is left or nothing.
    with CaseFile(paths.case_file()) as cf, Watch(cf) as w:
        assert w.needs_indexing() in (0, 3)


def watch_tab_after_editing(qtbot, old: str, new: str):
    """The window opened on its watch tab (one alert listed) after a record's body was edited
    behind the desk's back, ``old`` replaced with ``new``."""
    import sqlite3

    from desktop.site import paths

    conn = sqlite3.connect(paths.case_file())
    with conn:
        conn.execute("UPDATE records SET body = replace(body, ?, ?)", (old, new))
    conn.close()
    window = open_window(qtbot)
    view = window.watch_view
    qtbot.waitUntil(lambda: view._refresh_job is None and view.model.rowCount() == 1, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    return window


def test_an_alert_whose_record_fails_verification_is_marked_and_cannot_be_settled(
        qtbot, production):
    p, v1, v2 = production
    assert desk(["check", GRANTED, "--item", "CZ-001", "--record", "--case-no", "TV-1",
                 "--outcome", "approved", "--offline"]) == 0
    assert desk(["cache", "import", str(p.publish_delta(1, 2, v1, v2))]) == 0
    window = watch_tab_after_editing(qtbot, '"TV-1"', '"TV-X"')  # the granted record
    try:
        view = window.watch_view
        model = widget(window, "watchTable", QTableView).model()
        assert model.index(0, model.columnCount() - 1).data() == "未通过，不能登记处理"
        note = widget(window, "watchNote", QLineEdit)
        assert not note.isEnabled()
        assert not widget(window, "watchSettleButton", QPushButton).isEnabled()
        assert "cases verify" in widget(window, "watchDetail").toPlainText()
        before = len(stored_records())
        view.settle_selected()   # even when asked directly: refused, nothing written
        assert "未通过档案校验" in widget(window, "watchMessage", QLabel).text()
        assert len(stored_records()) == before
    finally:
        close_window(window)


def test_settling_in_the_window_is_refused_while_a_later_record_fails_verification(
        qtbot, production):
    """The alert's own record is sound (shown 完好, the button enabled), but a later record was
    edited: the follow-up would go onto a chain nobody vouches for. Refused with the reason,
    nothing written, the alert still open."""
    p, v1, v2 = production
    for code, case_no in ((GRANTED, "TV-2"), (UNTOUCHED, "TV-3")):
        assert desk(["check", code, "--item", "CZ-001", "--record", "--case-no", case_no,
                     "--outcome", "approved", "--offline"]) == 0
    assert desk(["cache", "import", str(p.publish_delta(1, 2, v1, v2))]) == 0
    window = watch_tab_after_editing(qtbot, '"TV-3"', '"TV-9"')  # a later record
    try:
        view = window.watch_view
        model = widget(window, "watchTable", QTableView).model()
        assert model.index(0, model.columnCount() - 1).data() == "完好"
        note = widget(window, "watchNote", QLineEdit)
        before = len(stored_records())
        qtbot.keyClicks(note, "reviewed, decision kept")
        message = widget(window, "watchMessage", QLabel)
        qtbot.keyClick(note, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "未登记" in message.text(), timeout=10_000)
        assert "案卷未通过档案校验" in message.text() and "cases verify" in message.text()
        assert len(stored_records()) == before
        assert model.rowCount() == 1 and widget(window, "watchIndicator", QLabel).text() == \
            "跟踪提醒：1"
    finally:
        close_window(window)


def test_a_refusals_ground_gone_taken_back_and_gone_again_counts_once_in_the_statistics_tab(
        qtbot, production, tmp_path):
    """v2: the refused subject's black entry lapsed (raised); v3: its term extended again
    (superseded, gone from the tab); v4: the entry removed altogether (the same ground gone:
    the same alert reopened, not a second one). The month raised one alert, open at its end."""
    from snapshot_fixtures import edit_dataset

    from desktop.ui.stats_view import StatsView

    p, v1, v2 = production
    black = KNOWN["black"]
    assert desk(["check", black, "--item", "CZ-001", "--record", "--case-no", "TV-4",
                 "--outcome", "rejected", "--offline"]) == 0
    lapsed = edit_dataset(v1, tmp_path / "lapsed.sqlite", (
        "UPDATE entries SET expires_on = '2026-01-31' WHERE subject_code = ?", (black,)))
    removed = edit_dataset(v1, tmp_path / "removed.sqlite", (
        "DELETE FROM entries WHERE subject_code = ?", (black,)))
    for version, data in ((2, lapsed), (3, v1), (4, removed)):
        assert desk(["cache", "import", str(p.publish(version, data))]) == 0
    window = open_window(qtbot)
    try:
        view = window.watch_view
        qtbot.waitUntil(lambda: view._refresh_job is None and view.model.rowCount() == 1,
                        timeout=10_000)
        stats_view = window.findChild(StatsView)
        window.tabs.setCurrentWidget(stats_view)
        stats_view.refresh()
        qtbot.waitUntil(lambda: stats_view.stats is not None
                        and stats_view.stats.alerts_open == 1, timeout=10_000)
        t = stats_view.findChild(QTableWidget, "statsTable")
        rows = {t.item(r, 0).text().strip(): t.item(r, 1).text() for r in range(t.rowCount())}
        assert rows["跟踪提醒：本月提出"] == "1" and rows["跟踪提醒：月末待处理"] == "1"
    finally:
        close_window(window)


def window_with_one_alert(qtbot, production, case_no: str):
    """A grant recorded under version 1, version 2 (listing the subject) imported: the window
    open with its one alert counted in the status bar."""
    p, v1, v2 = production
    assert desk(["check", GRANTED, "--item", "CZ-001", "--record", "--case-no", case_no,
                 "--outcome", "approved", "--offline"]) == 0
    assert desk(["cache", "import", str(p.publish(2, v2))]) == 0
    window = open_window(qtbot)
    view, indicator = window.watch_view, widget(window, "watchIndicator", QLabel)
    qtbot.waitUntil(lambda: view._refresh_job is None and indicator.text() == "跟踪提醒：1",
                    timeout=10_000)
    return window


def test_an_alert_taken_back_by_the_next_import_leaves_the_tab_saying_why(qtbot, production):
    p, v1, _ = production
    window = window_with_one_alert(qtbot, production, "TV-5")
    try:
        view = window.watch_view
        indicator = widget(window, "watchIndicator", QLabel)
        usb_import(qtbot, window, p.publish(3, v1))    # the listing taken back
        qtbot.waitUntil(lambda: indicator.text() == "跟踪提醒：0", timeout=15_000)
        assert view.model.rowCount() == 0
        message = widget(window, "watchMessage", QLabel).text()
        assert "1 条提醒已被更新的数据取代" in message and "--all" in message
        # Never deleted: shown on demand, with which data took it back; it cannot be settled.
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        view.table.setFocus()
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_W,
                       Qt.KeyboardModifier.AltModifier)      # its mnemonic, 含已处理和已取代(&W)
        qtbot.waitUntil(widget(window, "watchShowClosed").isChecked, timeout=3000)
        assert view.model.rowCount() == 1
        model = view.model
        assert "已被更新的数据取代" in [model.index(0, c).data() for c in range(model.columnCount())]
        view.table.selectRow(0)
        detail = widget(window, "watchDetail")
        qtbot.waitUntil(lambda: "离线数据第 3 版不再显示这一变化" in detail.toPlainText(),
                        timeout=5000)
        assert not widget(window, "watchSettleButton", QPushButton).isEnabled()
        assert indicator.text() == "跟踪提醒：0"
    finally:
        close_window(window)


def test_a_row_superseded_by_another_process_is_refused_when_settled_from_the_stale_tab(
        qtbot, production):
    """The tab loaded the alert; then a script on the same desk imported data taking the listing
    back. The clerk settles the row still on screen: refused with the reason, nothing recorded."""
    p, v1, _ = production
    window = window_with_one_alert(qtbot, production, "TV-6")
    try:
        view = window.watch_view
        indicator = widget(window, "watchIndicator", QLabel)
        assert desk(["cache", "import", str(p.publish(3, v1))]) == 0    # behind the window
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        assert view.model.rowCount() == 1 and view.selected_alert() is not None
        before, queued = stored_records(), outbox_rows()
        note = widget(window, "watchNote", QLineEdit)
        note.setFocus()
        note.setText("已撤销审批")   # an IME types it; QTest cannot
        qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        message = widget(window, "watchMessage", QLabel)
        qtbot.waitUntil(lambda: "未登记" in message.text(), timeout=10_000)
        assert "已被更新的数据取代" in message.text() and "离线数据第 3 版" in message.text()
        assert stored_records() == before and outbox_rows() == queued
    finally:
        close_window(window)


def test_every_column_title_of_the_watch_tab_is_shown_whole_in_both_languages(qtbot, production):
    """With no alert yet (a desk's first day), and after switching to English, no title of the
    watch table is cut: each column is at least as wide as its title needs."""
    from desktop.ui import i18n

    window = open_window(qtbot)
    try:
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        header = widget(window, "watchTable", QTableView).horizontalHeader()
        model = header.model()

        def cut() -> list[str]:
            return [model.headerData(i, Qt.Orientation.Horizontal)
                    for i in range(model.columnCount() - 1)
                    if header.sectionSize(i) < header.sectionSizeHint(i)]

        assert model.rowCount() == 0 and cut() == []
        i18n.install("en")
        qtbot.waitUntil(lambda: model.headerData(0, Qt.Orientation.Horizontal) != "提出时间",
                        timeout=2000)
        assert cut() == []
    finally:
        i18n.install("zh_CN")
        close_window(window)
