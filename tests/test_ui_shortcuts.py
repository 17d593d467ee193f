"""Every shortcut of every tab, pressed in the real window as the README lists them (issue 14,
item 4): history, statistics, watch, due and the related parties' F6, twice, the second time
after dialogs have been opened and closed. The check page's own keys have their sweep in
test_ui_counter.py; together the two leave no shortcut of the window unpressed."""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QPlainTextEdit
from ui_fixtures import (
    answer_prompt,
    give_purpose,
    KNOWN,
    choose_item,
    record,
    scan,
    stored_records,
    type_text,
    widget,
    window,  # noqa: F401 - a fixture
)

from desktop.site.clock import CHINA_TZ

# Pressed by the check page's sweep (test_ui_counter.py), by owner.
CHECK_PAGE_SWEEP = {("Ctrl+Return", "CheckPage"), ("Ctrl+Enter", "CheckPage"), ("Esc", "CheckPage"),
                    ("F2", "CheckPage")}


def keys(qtbot, window, sequence: str) -> None:
    combo = QKeySequence(sequence)[0]
    QTest.keyClick(QApplication.focusWidget() or window, combo.key(), combo.keyboardModifiers())
    qtbot.wait(20)


def back_to_window(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def open_and_close(qtbot, window, sequence: str, name: str) -> None:
    from shiboken6 import isValid

    back_to_window(qtbot, window)
    keys(qtbot, window, sequence)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog, name)), timeout=5000)
    dialog = next(d for d in window.findChildren(QDialog, name) if d.isVisible())
    window.jobs.wait(10_000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=5000)
    back_to_window(qtbot, window)


def pick(qtbot, combo: QComboBox, data) -> None:
    combo.setFocus()
    for _ in range(combo.count() + 1):
        if combo.currentData() == data:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def due_in(days: int) -> str:
    return (datetime.now(CHINA_TZ).date() + timedelta(days=days)).isoformat()


def record_with_commitment(qtbot, window, case_no: str) -> None:
    choose_item(qtbot, window, KNOWN["item_with_tolerance"])
    type_text(qtbot, widget(window, "caseNoInput", QLineEdit), case_no)
    scan(qtbot, window, KNOWN["unit_rep_wages"])
    pick(qtbot, window.check_page.recordPanel.outcomeSelector, "approved_with_conditions")
    pick(qtbot, widget(window, "commitmentSelector", QComboBox), "tolerance")
    for name, text in (("formNoInput", f"CN-{case_no}"), ("dueInput", due_in(2)), ("missingInput", "x")):
        type_text(qtbot, widget(window, name, QLineEdit), text)
    record(qtbot, window)


def test_every_tabs_shortcut_works_also_after_dialogs_closed(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui import sheet_output

    monkeypatch.setattr(sheet_output, "default_printer", lambda: None)
    monkeypatch.setattr(sheet_output, "show", lambda parent, path, say: say(f"shown {path.name}"))
    saved, exported = tmp_path / "saved.pdf", tmp_path / "month.csv"
    # The clerk's answer in the file chooser: the sheet's or the table's name, by what it offers.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, suggested, kinds:
                        (str(saved if "pdf" in kinds.lower() else exported), ""))
    pressed: set[tuple[str, str]] = set()
    history, stats, due, watch = window.history_view, window.stats_view, window.due_view, window.watch_view

    def press(sequence: str, owner: str, effect) -> None:
        keys(qtbot, window, sequence)
        pressed.add((QKeySequence(sequence).toString(), owner))
        qtbot.waitUntil(effect, timeout=10_000)

    for round_ in range(2):
        # F6: the unit's legal representative checked on their own (the unit's result is
        # unrecorded: the question first, then the purpose), and recorded.
        choose_item(qtbot, window, KNOWN["item_with_measures"])
        type_text(qtbot, widget(window, "caseNoInput", QLineEdit), f"GZ-KEYS-{round_}")
        scan(qtbot, window, KNOWN["unit_rep_listed"])
        press("F6", "CheckPage", lambda: window.check_page._prompt is not None)
        answer_prompt(qtbot, window, "discardButton")
        give_purpose(qtbot, window, "依法履职")
        qtbot.waitUntil(lambda: window.check_page.result is not None
                        and window.check_page.result.via is not None, timeout=10_000)
        assert window.focusWidget() is widget(window, "codeInput")
        record(qtbot, window)
        record_with_commitment(qtbot, window, f"GZ-DUE-{round_}")
        count = len(stored_records())

        press("Alt+2", "MainWindow", lambda: window.tabs.currentWidget() is history)
        press("Ctrl+F", "HistoryView", lambda: QApplication.focusWidget() is history.code_filter)
        history.code_filter.clear()
        qtbot.keyClicks(history.code_filter, f"KEYS-{round_}")  # part of a case number
        press("Ctrl+R", "HistoryView", lambda: history.selected_record() is not None
              and history.selected_record().case_no == f"GZ-KEYS-{round_}")
        history.since_edit.setDate(history.since_edit.date().addDays(-7))
        press("Ctrl+T", "HistoryView", lambda: history.since_edit.date() == history.until_edit.date()
              and history.selected_record() is not None)
        history.select_record(history.selected_record().record_id)
        press("Ctrl+P", "HistoryView", lambda: "shown" in history.message.text())
        press("Ctrl+Shift+S", "HistoryView", lambda: saved.exists())
        saved.unlink()
        press("Ctrl+Shift+D", "HistoryView",
              lambda: any(d.isVisible() for d in window.findChildren(QDialog, "decisionDialog")))
        dialog = next(d for d in window.findChildren(QDialog, "decisionDialog") if d.isVisible())
        type_text(qtbot, dialog.findChild(QPlainTextEdit, "decisionNote"), "办件编号录入有误，更正")
        # Ctrl+Enter records the decision, from the main keyboard and from the keypad.
        submit = "Ctrl+Enter" if round_ == 0 else "Ctrl+Return"
        press(submit, "DecisionDialog", lambda: len(stored_records()) == count + 1)
        assert stored_records()[-1]["kind"] == "decision"
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
        back_to_window(qtbot, window)
        count += 1

        press("Alt+3", "MainWindow", lambda: window.tabs.currentWidget() is stats)
        stats.table.setFocus()
        month = stats.month()
        press("Alt+Left", "StatsView", lambda: stats.month() != month)
        press("Alt+Right", "StatsView", lambda: stats.month() == month)
        with qtbot.waitSignal(stats.stats_loaded, timeout=10_000):
            keys(qtbot, window, "Ctrl+R")
        pressed.add(("Ctrl+R", "StatsView"))
        press("Ctrl+E", "StatsView", lambda: exported.exists())
        exported.unlink()

        press("Alt+4", "MainWindow", lambda: window.tabs.currentWidget() is watch)
        watch.setFocus()
        with qtbot.waitSignal(watch.count_changed, timeout=10_000):
            keys(qtbot, window, "Ctrl+R")
        pressed.add(("Ctrl+R", "WatchView"))
        # Esc stops a comparison under way (pressed before its first result can arrive).
        focus = QApplication.focusWidget() or window
        QTest.keyClick(focus, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(focus, Qt.Key.Key_Escape)
        pressed.add(("Esc", "WatchView"))
        assert "已停止比对" in widget(window, "watchMessage").text()
        with qtbot.waitSignal(watch.count_changed, timeout=10_000):
            keys(qtbot, window, "Ctrl+R")
        keys(qtbot, window, "Ctrl+Return")                 # nothing selected: nothing settled
        pressed.add(("Ctrl+Return", "WatchView"))
        assert len(stored_records()) == count

        press("Alt+5", "MainWindow", lambda: window.tabs.currentWidget() is due and len(due.rows) >= 1)
        qtbot.waitUntil(lambda: due.selected() is not None, timeout=5000)
        press("Alt+B", "DueView", lambda: due.dialog is not None and due.dialog.isVisible())
        breach = due.dialog
        qtbot.keyClick(breach, Qt.Key.Key_Escape)             # not a breach after all
        qtbot.waitUntil(lambda: due.dialog is None, timeout=3000)
        back_to_window(qtbot, window)
        due.dueTable.setFocus()
        press("Alt+G", "DueView", lambda: len(stored_records()) == count + 1)
        assert stored_records()[-1]["commitment"]["state"] == "fulfilled"

        press("Alt+1", "MainWindow", lambda: window.tabs.currentIndex() == 0)
        # Round two after the dialogs a clerk opens in a day.
        for sequence, name in (("F1", "aboutDialog"), ("Ctrl+,", "settingsDialog"),
                               ("Ctrl+Shift+O", "signInDialog"), ("Ctrl+Shift+I", "snapshotImportDialog")):
            open_and_close(qtbot, window, sequence, name)

    shortcuts = {(s.key().toString(), type(s.parent()).__name__) for s in window.findChildren(QShortcut)}
    actions = {a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()}
    left = shortcuts - pressed - CHECK_PAGE_SWEEP
    assert left == set(), left
    assert {"Alt+1", "Alt+2", "Alt+3", "Alt+4", "Alt+5"} <= actions

