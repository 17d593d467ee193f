"""The clerk's main flow in the real window (offscreen), driven only through object names and
keystrokes: scan → status → measures → record, on the bundled demo snapshot and a real case file."""
from __future__ import annotations

from desk_config import OPERATORS

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)
from reference_platform.fixtures import memory_keyring, online  # noqa: F401 - fixtures
from ui_fixtures import (
    KNOWN,
    answer_prompt,
    badge_state,
    choose_item,
    close_window,
    give_purpose,
    no_snapshot_config,
    open_window,
    outbox_rows,
    record,
    scan,
    stored_records,
    table_rows,
    type_text,
    widget,
    window,  # noqa: F401 - a fixture
)

from desktop.site import paths

OBJECT_NAMES = ("codeInput", "itemSelector", "caseNoInput", "checkButton", "statusBadge",
                "sourceBanner", "hitsTable", "measuresTable", "outcomeSelector", "noteInput",
                "recordButton", "outboxIndicator")


def banner(window) -> str:
    return widget(window, "sourceBanner", QLabel).text()


def form_message(window) -> str:
    return widget(window, "formMessage", QLabel).text()


def measure_ticks(window) -> list[tuple[str, bool]]:
    """(measure id, ticked) in the order shown; a row several lists require holds each id."""
    table = widget(window, "measuresTable", QTableWidget)
    return [(measure_id, table.item(r, 0).checkState() == Qt.CheckState.Checked)
            for r in range(table.rowCount())
            for measure_id in table.item(r, 0).data(Qt.ItemDataRole.UserRole)]


def toggle_measure(qtbot, window, row: int) -> None:
    """Keyboard: move to the measure's tick cell and press Space."""
    table = widget(window, "measuresTable", QTableWidget)
    table.setFocus()
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)


def test_every_contract_widget_exists_with_an_accessible_name(window):
    for name in OBJECT_NAMES:
        w = widget(window, name)
        assert w.accessibleName(), name


def test_black_list_scan_shows_stop_badge_hit_and_pre_ticked_mandated_measure(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    assert badge_state(window) == "black"
    assert "失信惩戒对象" in widget(window, "statusBadge").text
    hits = table_rows(window, "hitsTable")
    assert hits and hits[0][1] == "失信惩戒对象" and hits[0][2] == "有效"
    ticks = measure_ticks(window)
    assert ticks and all(ticked for _, ticked in ticks)  # mandated: pre-ticked
    assert "必须执行" in table_rows(window, "measuresTable")[0][4]
    # Legal basis on hover and in the detail pane.
    table = widget(window, "measuresTable", QTableWidget)
    assert "法律依据" in table.item(0, 3).toolTip()
    assert "法律依据" in widget(window, "measureDetail").toPlainText()
    assert "演示数据 / DEMO DATA" in banner(window) and "离线数据 第 1 版" in banner(window)
    assert widget(window, "sourceBanner").property("state") == "offline"
    assert widget(window, "sourceBanner").property("demo") is True
    assert widget(window, "outcomeSelector", QComboBox).currentData() == "rejected"
    # The code field keeps the focus, its text selected, ready for the next scan.
    code = widget(window, "codeInput", QLineEdit)
    assert window.focusWidget() is code and code.selectedText() == KNOWN["black"]


@pytest.mark.parametrize("key, item, state, words", [
    ("focus", "CZ-001", "focus", "重点关注对象"),
    ("red", "SW-001", "red", "守信激励对象"),
    ("black_and_focus", "CZ-001", "black", "失信惩戒对象、重点关注对象"),
])
def test_each_list_has_its_own_badge(qtbot, window, key, item, state, words):
    choose_item(qtbot, window, item)
    scan(qtbot, window, KNOWN[key])
    assert badge_state(window) == state
    assert words in widget(window, "statusBadge").text
    assert table_rows(window, "hitsTable")


def test_clear_code_typed_with_dashes_and_lower_case_is_clear(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    code = KNOWN["clear"][0]
    scan(qtbot, window, f"{code[:4]}-{code[4:10]} {code[10:]}".lower())
    assert badge_state(window) == "clear"
    assert "未发现名单记录" in widget(window, "statusBadge").text
    assert table_rows(window, "hitsTable") == [] and table_rows(window, "measuresTable") == []
    assert widget(window, "outcomeSelector", QComboBox).currentData() == "approved"


def test_invalid_code_is_refused_with_the_reason_and_nothing_is_queried(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    bad = KNOWN["black"][:-1] + ("0" if KNOWN["black"][-1] != "0" else "1")
    scan(qtbot, window, bad)
    page = window.check_page
    assert page.result is None
    assert "校验失败" in widget(window, "statusBadge").text
    assert not widget(window, "recordButton", QPushButton).isEnabled()
    scan(qtbot, window, "12345")
    assert "代码应为18位，输入的是 5 位" in widget(window, "statusBadge").text


def test_licence_qr_url_is_checked_and_a_token_only_url_is_refused_plainly(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, f"https://www.gsxt.gov.cn/verify?uniscid={KNOWN['black']}&t=1")
    assert badge_state(window) == "black"
    window.check_page.is_recorded = True  # this test is about input, not the record
    scan(qtbot, window, "https://qr.example.gov.cn/c/Zx8Kq2")
    assert window.check_page.result is None
    assert "没有统一社会信用代码" in widget(window, "statusBadge").text


def test_entry_in_objection_is_shown_with_that_state(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["objection"])
    states = [row[2] for row in table_rows(window, "hitsTable")]
    assert "异议处理中" in states
    assert "异议处理中" in widget(window, "noticeLabel", QLabel).text()


def test_record_goes_into_the_case_file_and_outbox(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    case_no = widget(window, "caseNoInput", QLineEdit)
    case_no.setFocus()
    qtbot.keyClicks(case_no, "GZ-2026-0001")
    scan(qtbot, window, KNOWN["black"])
    applied = [mid for mid, ticked in measure_ticks(window) if ticked]
    record(qtbot, window)
    assert "已记入办件档案：记录 1" in form_message(window)
    [stored] = stored_records()
    assert stored["subject_code"] == KNOWN["black"] and stored["case_no"] == "GZ-2026-0001"
    assert stored["status"] == "hit" and stored["item_code"] == "CZ-001"
    assert stored["outcome"] == "rejected" and stored["measures_applied"] == applied
    assert stored["operator"] == "test-op"
    [feedback] = outbox_rows()
    assert feedback["subject_code"] == KNOWN["black"]
    qtbot.waitUntil(lambda: widget(window, "outboxIndicator", QLabel).text().endswith("1"))
    assert not widget(window, "recordButton", QPushButton).isEnabled()
    assert window.focusWidget() is widget(window, "codeInput", QLineEdit)
    # The next scan needs no question: the previous result is recorded.
    scan(qtbot, window, KNOWN["clear"][0])
    assert window.check_page._prompt is None and badge_state(window) == "clear"


def test_mandated_measure_cannot_be_unticked_without_a_note(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    toggle_measure(qtbot, window, 0)
    assert measure_ticks(window)[0][1] is True
    assert "必须执行的措施" in form_message(window)
    note = widget(window, "noteInput", QPlainTextEdit)
    qtbot.waitUntil(lambda: window.focusWidget() is note, timeout=2000)  # the clerk is taken to the note
    type_text(qtbot, note, "法院已出具履行完毕证明，待平台更新")
    toggle_measure(qtbot, window, 0)
    assert measure_ticks(window)[0][1] is False
    record(qtbot, window)
    [stored] = stored_records()
    assert stored["measures_applied"] == [] and "履行完毕" in stored["note"]


def test_note_erased_after_untick_is_refused_at_record_and_the_form_is_kept(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    note = widget(window, "noteInput", QPlainTextEdit)
    type_text(qtbot, note, "理由")
    toggle_measure(qtbot, window, 0)
    note.clear()
    record(qtbot, window)
    assert "未记档" in form_message(window) and "必须执行的措施未执行" in form_message(window)
    assert not paths.case_file().exists() or stored_records() == []
    assert widget(window, "recordButton", QPushButton).isEnabled()
    assert window.check_page.result is not None


def test_new_scan_over_an_unrecorded_result_asks_first(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    scan(qtbot, window, KNOWN["clear"][0])
    assert badge_state(window) == "black"          # nothing replaced yet
    answer_prompt(qtbot, window, "keepButton")
    assert badge_state(window) == "black" and window.check_page.result.code == KNOWN["black"]
    assert window.focusWidget() is widget(window, "recordButton", QPushButton)
    scan(qtbot, window, KNOWN["clear"][0])
    answer_prompt(qtbot, window, "discardButton")
    qtbot.waitUntil(lambda: badge_state(window) == "clear", timeout=5000)
    assert window.check_page.result.code == KNOWN["clear"][0]


def test_a_stray_enter_on_the_prompt_keeps_the_unrecorded_result(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    scan(qtbot, window, KNOWN["clear"][0])
    box = window.check_page._prompt
    assert box is not None
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.check_page._prompt is None)
    assert window.check_page.result.code == KNOWN["black"]


def test_escape_clears_after_asking_and_ctrl_enter_records(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["focus"])
    code = widget(window, "codeInput", QLineEdit)
    qtbot.keyClick(code, Qt.Key.Key_Escape)
    answer_prompt(qtbot, window, "discardButton")
    assert window.check_page.result is None and code.text() == "" and window.focusWidget() is code
    # A hit whose mandated refusal is preset (the focus list's restriction presets nothing).
    scan(qtbot, window, KNOWN["black"])
    record(qtbot, window)
    assert len(stored_records()) == 1
    qtbot.keyClick(code, Qt.Key.Key_Escape)       # recorded: nothing to ask
    assert window.check_page._prompt is None
    assert window.check_page.result is None


def test_natural_person_needs_a_case_number_and_is_shown_masked(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    person = KNOWN["person_black"]
    scan(qtbot, window, person)
    give_purpose(qtbot, window, "依法履职：行政许可审查")
    subject = widget(window, "subjectLabel", QLabel).text()
    assert person not in subject and person[:6] + "********" + person[-4:] in subject
    record(qtbot, window, case_no=None)
    assert "须填写办件编号" in form_message(window)
    case_no = widget(window, "caseNoInput", QLineEdit)
    assert window.focusWidget() is case_no
    qtbot.keyClicks(case_no, "GZ-P-7")
    record(qtbot, window)
    [stored] = stored_records()
    assert stored["case_no"] == "GZ-P-7" and stored["subject_kind"] == "person"


def test_no_snapshot_and_no_platform_is_unverified_and_recorded_as_such(qtbot, desk_env, tmp_path):
    home, config = desk_env
    no_snapshot_config(config, tmp_path)
    window = open_window(qtbot)
    try:
        selector = widget(window, "itemSelector", QComboBox)
        assert selector.count() == 0  # no catalogue: the item code is typed
        selector.setFocus()
        qtbot.keyClicks(selector.lineEdit(), "CZ-001")
        scan(qtbot, window, KNOWN["black"])
        assert badge_state(window) == "unverified"
        assert "未能核实" in widget(window, "statusBadge").text
        has_icon, colours = badge_look(window)
        assert has_icon and {"#8c8c8c", "#a6a6a6"} <= colours  # striped grey, even in greyscale
        assert widget(window, "sourceBanner").property("state") == "unverified"
        assert "没有离线数据" in banner(window)
        assert widget(window, "outcomeSelector", QComboBox).currentData() == "referred"
        assert "未能核实" in widget(window, "recordButton", QPushButton).text()
        record(qtbot, window)
        [stored] = stored_records()
        assert stored["status"] == "unverified" and stored["outcome"] == "referred"
    finally:
        close_window(window)


def test_record_error_keeps_the_form_so_the_clerk_can_retry(qtbot, monkeypatch, desk_env):
    home, _ = desk_env
    blocker = home / "not-a-folder"
    blocker.write_text("a file where the case file's folder should be")
    monkeypatch.setattr(paths, "case_file", lambda: blocker / "cases.sqlite")
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, "CZ-001")
        # A listed unit with no people: theirs would need an access record before being shown.
        scan(qtbot, window, KNOWN["focus"])
        outcome = widget(window, "outcomeSelector", QComboBox)
        outcome.setFocus()
        qtbot.keyClick(outcome, Qt.Key.Key_Down)             # the clerk picks an outcome
        assert outcome.currentData()
        record(qtbot, window)
        assert "未记档" in form_message(window) and "not-a-folder" in form_message(window)
        assert widget(window, "recordButton", QPushButton).isEnabled()
        assert window.check_page.result.code == KNOWN["focus"]
        blocker.unlink()                                  # IT fixes the folder
        record(qtbot, window)
        assert "已记入办件档案" in form_message(window)
        assert len(stored_records(blocker)) == 1
    finally:
        close_window(window)


def test_item_choice_is_remembered_for_the_next_window(qtbot, window):
    choose_item(qtbot, window, "SW-001")
    qtbot.waitUntil(lambda: not window.jobs.active)
    again = open_window(qtbot)
    try:
        assert again.check_page.item_code() == "SW-001"
    finally:
        close_window(again)


def test_tab_order_follows_the_flow(qtbot, window):
    order = ["itemSelector", "caseNoInput", "codeInput", "checkButton"]
    widget(window, order[0]).setFocus()
    for name in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget().objectName() == name


def test_layout_fits_1366x768_at_150_percent_text(qtbot, window):
    # 1920x1080 at 150% display scaling leaves 1280x720 logical pixels, less a taskbar.
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 680, hint
    font = window.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    window.setFont(font)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 740, hint


def test_black_list_hit_beeps_only_when_the_clerk_turned_sounds_on(qtbot, desk_env, monkeypatch):
    from PySide6.QtWidgets import QApplication as App

    from desktop.ui.dialogs import user_settings

    beeps = []
    monkeypatch.setattr(App, "beep", staticmethod(lambda: beeps.append(1)))
    user_settings.update(sounds=True)
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["clear"][0])
        assert beeps == []
        window.check_page.is_recorded = True
        scan(qtbot, window, KNOWN["black"])
        assert beeps == [1]
    finally:
        close_window(window)


def test_a_scan_into_the_note_field_starts_a_new_check_after_asking(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    note = widget(window, "noteInput", QPlainTextEdit)
    type_text(qtbot, note, "申请人称")                  # the clerk was writing the note
    qtbot.keyClicks(note, KNOWN["clear"][0])          # scanner speed: no delay between keys
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert note.toPlainText() == "申请人称"            # the scan was taken out of the note
    answer_prompt(qtbot, window, "discardButton")     # the black result was not recorded
    qtbot.waitUntil(lambda: badge_state(window) == "clear", timeout=5000)
    assert window.check_page.result.code == KNOWN["clear"][0]


def test_hand_typing_in_the_case_number_is_never_taken_for_a_scan(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    case_no = widget(window, "caseNoInput", QLineEdit)
    case_no.setFocus()
    qtbot.keyClicks(case_no, KNOWN["clear"][0], delay=70)  # a person, not a scanner
    qtbot.keyClick(case_no, Qt.Key.Key_Return)
    assert case_no.text() == KNOWN["clear"][0]
    assert window.check_page.result is None
    qtbot.keyClicks(case_no, "-GZ-2026-000123456")       # a case-number barcode: not a code
    qtbot.keyClick(case_no, Qt.Key.Key_Return)
    assert case_no.text().endswith("-GZ-2026-000123456") and window.check_page.result is None


def test_switching_to_english_retranslates_the_check_page_at_once(qtbot, window):
    from desktop.ui import i18n

    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    code = widget(window, "codeInput", QLineEdit)
    before = code.placeholderText()
    try:
        assert i18n.install("en") == "en"
        qtbot.waitUntil(lambda: code.placeholderText() != before)
        assert not any("一" <= ch <= "鿿" for ch in code.placeholderText())
        assert not any("一" <= ch <= "鿿" for ch in window.check_page.statusBadge.text)
        # The result on screen is the same result, only in the other language.
        assert badge_state(window) == "black" and window.check_page.result.code == KNOWN["black"]
    finally:
        i18n.install("zh_CN")
    qtbot.waitUntil(lambda: code.placeholderText() == before)


def test_ctrl_p_prints_the_sheet_of_the_check_just_recorded(qtbot, window, desk_env):
    from pypdf import PdfReader

    home, _ = desk_env
    choose_item(qtbot, window, "CZ-001")
    case_no = widget(window, "caseNoInput", QLineEdit)
    case_no.setFocus()
    qtbot.keyClicks(case_no, "GZ-9")
    scan(qtbot, window, KNOWN["black"])
    record(qtbot, window)
    with qtbot.waitSignal(window.sheet_written, timeout=20_000) as written:
        qtbot.keyClick(widget(window, "codeInput", QLineEdit), Qt.Key.Key_P,
                       Qt.KeyboardModifier.ControlModifier)
    path = written.args[0]
    assert path.parent == home / "sheets" and path.name.endswith("-GZ-9.pdf")
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert KNOWN["black"] in text


def test_a_broken_deployment_config_is_explained_in_a_box_and_nothing_opens(qtbot, desk_env):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.app import run_window

    _, config = desk_env
    config.write_text('[site]\nhall = "440106-01"\ncolour = "blue"\n', encoding="utf-8")
    seen = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        box.accept()
    QTimer.singleShot(20, answer)
    assert run_window() == 2
    assert seen and "colour" in seen[0] and "第 3 行" in seen[0]


def test_an_unknown_item_code_is_refused_with_what_to_do(qtbot, window):
    selector = widget(window, "itemSelector", QComboBox)
    selector.setFocus()
    qtbot.keyClicks(selector.lineEdit(), "NO-SUCH-ITEM")
    scan(qtbot, window, KNOWN["black"])
    assert window.check_page.result is None
    assert "未知的办事事项“NO-SUCH-ITEM”" in form_message(window)


def test_no_two_shortcuts_of_the_check_page_collide(window):
    """An ambiguous shortcut fires neither action: every key of the visible window is unique."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QAbstractButton

    keys = []
    for action in window.findChildren(QAction):
        if action.isVisible() and not action.isSeparator():
            keys += [s.toString() for s in action.shortcuts() if not s.isEmpty()]
    for menu_action in window.menuBar().actions():
        mnemonic = QKeySequence.mnemonic(menu_action.text())
        keys.append(mnemonic.toString())
    page = window.check_page
    for w in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
        if w.isVisibleTo(window) and "&" in w.text():
            keys.append(QKeySequence.mnemonic(w.text()).toString())
    duplicates = {k for k in keys if k and keys.count(k) > 1}
    assert not duplicates, duplicates


def badge_look(window) -> tuple[bool, set[str]]:
    """Whether the badge shows its icon, and the colours it is painted with (sampled along a
    line through its middle, as a person would see them)."""
    from PySide6.QtWidgets import QLabel as Label

    icon = widget(window, "statusBadgeIcon", Label)
    shown = icon.isVisible() and icon.pixmap() is not None and not icon.pixmap().isNull()
    badge = widget(window, "statusBadge")
    image = badge.grab().toImage()
    y = 3  # above the words and the icon, below the rounded corner
    colours = {image.pixelColor(x, y).name() for x in range(8, min(image.width() - 8, 200))}
    return shown, colours


def test_badge_reads_by_colour_icon_and_words_for_every_status(qtbot, window):
    from desktop.ui.widgets.status_badge import LOOKS

    choose_item(qtbot, window, "CZ-001")
    seen = {}
    for key, state in (("black", "black"), ("focus", "focus"), ("clear", "clear")):
        code = KNOWN[key][0] if key == "clear" else KNOWN[key]
        scan(qtbot, window, code)
        assert badge_state(window) == state
        has_icon, colours = badge_look(window)
        assert has_icon, state
        assert colours == {LOOKS[state][1]}, state       # its own colour
        seen[state] = widget(window, "statusBadge").text
        window.check_page.is_recorded = True             # next applicant, no question
    choose_item(qtbot, window, "SW-001")
    scan(qtbot, window, KNOWN["red"])
    has_icon, colours = badge_look(window)
    assert badge_state(window) == "red" and has_icon and colours == {LOOKS["red"][1]}
    seen["red"] = widget(window, "statusBadge").text
    assert len(set(seen.values())) == 4                  # words differ, not only colours
    assert len({LOOKS[s][0] for s in seen}) == 4         # and so do the icons


def test_status_bar_names_operator_desk_snapshot_and_pending_uploads(qtbot, window):
    bar = {name: widget(window, name, QLabel) for name in
           ("operatorLabel", "deskLabel", "snapshotLabel", "outboxIndicator")}
    qtbot.waitUntil(lambda: "第 1 版" in bar["snapshotLabel"].text(), timeout=5000)
    assert "test-op" in bar["operatorLabel"].text()
    assert "大厅" in bar["deskLabel"].text() and "窗口" in bar["deskLabel"].text()
    assert "演示数据 / DEMO DATA" in bar["snapshotLabel"].text()
    assert bar["outboxIndicator"].text() == "待上报：0"
    for label in bar.values():
        assert label.accessibleName()


def test_status_bar_facts_end_in_an_ellipsis_when_short_of_room_whole_on_hover(qtbot, window):
    """Narrower than its facts, the bar cut them off mid-character at the window's edge (the
    English demo snapshot label at 1366 px): now each ends in "…" inside the window, and the
    whole text is what hovering shows and what the label holds."""
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    snapshot = widget(window, "snapshotLabel", QLabel)
    qtbot.waitUntil(lambda: "第 1 版" in snapshot.text(), timeout=5000)
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: snapshot.shown_text() == snapshot.text(), timeout=2000)
    window.resize(700, 700)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: snapshot.shown_text().endswith("…"), timeout=2000)
    whole = snapshot.text()
    assert whole.endswith("演示数据 / DEMO DATA")
    assert snapshot.shown_text()[:-1] == whole[:len(snapshot.shown_text()) - 1]
    for name in ("operatorLabel", "deskLabel", "snapshotLabel"):
        label = widget(window, name, QLabel)
        assert label.mapTo(bar, QPoint(label.width(), 0)).x() <= bar.width(), name
    QApplication.sendEvent(snapshot, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5),
                                                snapshot.mapToGlobal(QPoint(5, 5))))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "DEMO DATA" in QToolTip.text()
    QToolTip.hideText()


def test_the_counts_in_the_status_bar_stay_whole_where_the_long_facts_give_way(qtbot, window):
    """At 1024 px the counts the clerk acts on read whole; only the operator and snapshot facts
    end in "…" (every label giving way, the short counts went first, break attempt 20)."""
    snapshot = widget(window, "snapshotLabel", QLabel)
    counts = [widget(window, name, QLabel) for name in ("deskLabel", "outboxIndicator",
                                                        "watchIndicator")]
    qtbot.waitUntil(lambda: "第 1 版" in snapshot.text() and "：" in counts[2].text(), timeout=5000)
    window.statusBar().show_overdue(3)
    window.resize(1024, 768)
    qtbot.wait(100)
    for label in counts + [widget(window, "overdueIndicator", QLabel)]:
        assert label.width() >= label.sizeHint().width(), label.objectName()
    assert snapshot.shown_text().endswith("…")


def test_an_old_snapshot_is_flagged_stale_in_the_banner(qtbot, desk_env, tmp_path):
    """A production desk, offline only, whose snapshot is older than the warning age (48 h)."""
    from datetime import datetime, timedelta, timezone

    from reference_platform.publisher import Publisher

    from desktop.desk.context import DeskContext

    _, config = desk_env
    publisher = Publisher(tmp_path / "publisher",
                          data_as_of=datetime.now(timezone.utc) - timedelta(hours=72))
    config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\n'
                      f'trust_root = "{publisher.root.as_posix()}"\n' + OPERATORS, encoding="utf-8")
    DeskContext.from_environment().offline.store.install(publisher.repository.folder)
    window = open_window(qtbot)
    try:
        desk = widget(window, "deskLabel", QLabel)
        assert "440106-01" in desk.text() and "12" in desk.text()
        snapshot = widget(window, "snapshotLabel", QLabel)
        qtbot.waitUntil(lambda: "数据已较旧" in snapshot.text(), timeout=5000)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black"])
        assert badge_state(window) == "black"           # still verified: it can vouch
        assert "数据已较旧" in banner(window) and "离线数据 第 1 版" in banner(window)
        assert widget(window, "sourceBanner").property("state") == "stale"
        assert "演示数据" not in banner(window)
    finally:
        close_window(window)


def test_platform_down_falls_back_to_the_snapshot_and_the_banner_says_so(qtbot, online):
    online.configure(deadline=1.0, base_url="http://127.0.0.1:9")  # nothing listens there
    online.install_snapshot()
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black"])
        assert window.check_page.result.source == "offline"
        assert badge_state(window) == "black"
        assert "离线数据 第 1 版" in banner(window) and "已使用离线数据" in banner(window)
        assert widget(window, "sourceBanner").property("state") == "offline"
    finally:
        close_window(window)


def test_closing_with_an_unrecorded_result_asks_first(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    window.close()
    answer_prompt(qtbot, window, "keepButton")
    assert window.isVisible() and window.check_page.result.code == KNOWN["black"]
    record(qtbot, window)
    window.close()                                       # recorded: nothing to ask
    assert window.check_page._prompt is None and not window.isVisible()
    assert len(stored_records()) == 1
