"""The window asks why before it looks up a natural person, and shows the access records under
the history tab."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTableView
from ui_fixtures import (
    KNOWN,
    choose_item,
    give_purpose,
    scan,
    wait_idle,
    widget,
    window,  # noqa: F401 - a fixture
)

from desktop.site import paths

PERSON = KNOWN["person_black"]
MASKED = PERSON[:6] + "********" + PERSON[-4:]


def access_rows(window) -> list[list[str]]:
    table = widget(window, "accessTable", QTableView)
    model = table.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_a_person_is_looked_up_only_after_a_purpose_and_leaves_an_access_record(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, PERSON)
    dialog = window.findChild(QDialog, "purposeDialog")
    assert dialog is not None and dialog.isVisible()
    assert MASKED in dialog.findChild(QLabel).text() and PERSON not in dialog.findChild(QLabel).text()
    assert window.check_page.result is None  # nothing looked up yet
    # An empty purpose is refused in the dialog; the lookup still has not run.
    field = dialog.findChild(QLineEdit, "purposeInput")
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "查询用途" in dialog.findChild(QLabel, "purposeError").text()
    assert window.check_page.result is None
    give_purpose(qtbot, window, "授权书 SQ-2026-0042")
    assert window.check_page.result is not None and window.check_page.result.status == "hit"
    # Not recorded: the history tab's access records still show the lookup.
    window.tabs.setCurrentWidget(window.history_view)
    window.history_view.refresh()
    qtbot.waitUntil(lambda: len(access_rows(window)) == 1, timeout=5000)
    [row] = access_rows(window)
    assert row[2] == "test-op" and row[3] == MASKED and row[4] == "授权书 SQ-2026-0042"
    assert not any(PERSON in cell for cell in row)


def test_a_licence_scanned_into_the_purpose_is_refused_and_looks_up_no_one(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, PERSON)
    dialog = window.findChild(QDialog, "purposeDialog")
    field = dialog.findChild(QLineEdit, "purposeInput")
    field.setFocus()
    qtbot.keyClicks(field, KNOWN["clear"][0])  # the next applicant's licence, scanned too early
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "查询用途不能是代码" in dialog.findChild(QLabel, "purposeError").text()
    assert dialog.isVisible() and window.check_page.result is None


def test_cancelling_the_purpose_looks_up_no_one(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, PERSON)
    dialog = window.findChild(QDialog, "purposeDialog")
    dialog.reject()
    wait_idle(qtbot, window)
    assert window.check_page.result is None
    assert "未查询" in widget(window, "formMessage", QLabel).text()
    from desktop.casefile.store import CaseFile

    with CaseFile(paths.case_file()) as case_file:
        assert case_file.access_records() == []
