"""Dialogs size to their text (issue 14, item 2): on a 1366x768 screen, at the default font and at
the largest the settings offer, every dialog shows each label, button and path whole and never
grows past the screen. A path longer than a field can show keeps its full text one hover away."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QTextBrowser,
    QWidget,
)
from ui_fixtures import KNOWN, choose_item, record, scan, wait_idle
from ui_fixtures import window as window  # noqa: F401 - a fixture

from desktop.ui import style
from desktop.ui.widgets.plain_text import tooltip

SCREEN = QRect(0, 0, 1366, 728)   # 1366x768 less a 40 px taskbar: what a dialog may use


@pytest.fixture(autouse=True)
def hall_screen(monkeypatch):
    # The offscreen platform has one 800x800 screen; the hall's monitors are 1366x768.
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(SCREEN))
    monkeypatch.setattr(QScreen, "geometry", lambda self: QRect(0, 0, 1366, 768))


@pytest.fixture(params=[style.DEFAULT_FONT_SIZE, style.FONT_SIZES.stop - 1], ids=["default", "largest"])
def font_size(request, qapp):
    style.apply_font_size(qapp, request.param)
    yield request.param
    style.apply_font_size(qapp, style.DEFAULT_FONT_SIZE)


def shown_widgets(dialog: QWidget, cls):
    return [w for w in dialog.findChildren(cls) if w.isVisibleTo(dialog) and w.isVisible()]


def inside_scroll(w: QWidget, dialog: QWidget) -> QScrollArea | None:
    parent = w.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def problems(dialog: QWidget) -> list[str]:
    """Everything a clerk could not read in ``dialog`` as it is laid out now."""
    QApplication.processEvents()
    out = []
    if dialog.frameGeometry().width() > 1366 or dialog.frameGeometry().height() > 768:
        out.append(f"dialog {dialog.size().toTuple()} larger than the screen")
    box = dialog.rect()
    for w in shown_widgets(dialog, QWidget):
        if isinstance(w.parentWidget(), QAbstractScrollArea) or w.window() is not dialog:
            continue
        if inside_scroll(w, dialog) is None and w.width() > 0:
            where = QRect(w.mapTo(dialog, w.rect().topLeft()), w.size())
            if not box.contains(where):
                out.append(f"{type(w).__name__} {w.objectName()!r} cut by the dialog's edge")
    for label in shown_widgets(dialog, QLabel):
        text = label.text()
        if not text or label.pixmap() is not None and not label.pixmap().isNull():
            continue
        room = label.contentsRect()
        if label.wordWrap():
            flags = Qt.TextFlag.TextWordWrap | int(label.alignment())
            need = label.fontMetrics().boundingRect(QRect(0, 0, room.width(), 100_000), flags, text)
            if need.width() > room.width() + 1 or label.heightForWidth(label.width()) > label.height() + 1:
                out.append(f"label cut: {text[:40]!r} needs {need.size().toTuple()}, has {room.size().toTuple()}")
        elif label.sizeHint().width() > label.width() + 1 or label.sizeHint().height() > label.height() + 1:
            out.append(f"label cut: {text[:40]!r} needs {label.sizeHint().toTuple()}, has {label.size().toTuple()}")
    for edit in shown_widgets(dialog, QLineEdit):
        text = edit.text()
        if not text or edit.parentWidget() is not None and "QComboBox" in type(edit.parentWidget()).__name__:
            continue
        margins = edit.textMargins()
        room = edit.contentsRect().width() - margins.left() - margins.right() - 8   # frame padding
        if edit.fontMetrics().horizontalAdvance(text) > room and edit.toolTip() != tooltip(text):
            out.append(f"field cut without its full text on hover: {text[:40]!r}")
    for button in shown_widgets(dialog, QAbstractButton):
        if button.text() and button.sizeHint().width() > button.width() + 1:
            out.append(f"button cut: {button.text()!r}")
    for area in shown_widgets(dialog, QAbstractScrollArea):
        if isinstance(area, (QTextBrowser, QScrollArea)) and area.horizontalScrollBar().maximum() > 0:
            out.append(f"{type(area).__name__} {area.objectName()!r} hides part of its width")
    return out


def settled(qtbot, window, name: str) -> QDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog, name)), timeout=5000)
    dialog = next(d for d in window.findChildren(QDialog, name) if d.isVisible())
    window.jobs.wait(10_000)       # the dialog's own reads (status, platform) have arrived
    qtbot.wait(50)
    return dialog


def keys(qtbot, window, sequence: str) -> None:
    from PySide6.QtGui import QKeySequence

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(window, combo.key(), combo.keyboardModifiers())


def check_and_close(qtbot, dialog: QDialog) -> None:
    try:
        assert problems(dialog) == [], dialog.objectName()
    finally:
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def deep_home(monkeypatch, tmp_path) -> Path:
    """A data folder as deep as a hall's roaming profile makes it."""
    deep = tmp_path / "profiles" / "service-hall-440106" / "window-12" / "AppData" / "Roaming" / "CreditDesk"
    deep.mkdir(parents=True)
    monkeypatch.setenv("CREDIT_DESK_HOME", str(deep))
    return deep


def test_menu_dialogs_show_their_text_and_paths_whole(qtbot, monkeypatch, tmp_path, font_size):
    from ui_fixtures import close_window, open_window

    deep_home(monkeypatch, tmp_path)
    window = open_window(qtbot)
    try:
        for sequence, name in (("F1", "aboutDialog"), ("Ctrl+,", "settingsDialog"),
                               ("Ctrl+Shift+O", "signInDialog"), ("Ctrl+Shift+I", "snapshotImportDialog")):
            keys(qtbot, window, sequence)
            dialog = settled(qtbot, window, name)
            if name == "snapshotImportDialog":
                # A refusal's lines and a long path, as a USB stick in a deep folder gives them.
                path = dialog.findChild(QLineEdit, "importPath")
                path.setText(str(tmp_path / "U盘" / "省平台快照" / "2026-12" / "credit-snapshot-v0042"))
                qtbot.keyClick(path, Qt.Key.Key_Return)
                qtbot.waitUntil(lambda: dialog.findChild(QLabel, "importVerdict").property("verdict")
                                == "refused", timeout=10_000)
            check_and_close(qtbot, dialog)
    finally:
        close_window(window)


def test_purpose_and_decision_dialogs_show_their_text_whole(qtbot, window, font_size):
    scan(qtbot, window, KNOWN["person_black"], wait=False)
    check_and_close(qtbot, settled(qtbot, window, "purposeDialog"))
    wait_idle(qtbot, window)

    from desktop.ui.dialogs.decision_dialog import DecisionDialog

    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black_and_focus"])
    record(qtbot, window)
    recorded = window.ctx.case_file.get(window.ctx.case_file.count())
    dialog = DecisionDialog(recorded, window)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    check_and_close(qtbot, dialog)


def test_breach_and_sheet_not_opened_boxes_show_their_text_and_path_whole(qtbot, window, tmp_path,
                                                                         font_size):
    from desktop.ui import sheet_output
    from desktop.ui.due_view import BreachDialog

    dialog = BreachDialog(window)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    check_and_close(qtbot, dialog)

    sheet = (tmp_path / "profiles" / "service-hall-440106" / "window-12" / "AppData" / "Roaming"
             / "CreditDesk" / "sheets" / "2026-12" / "GZ-2026-0150-91440101MA5CTEST01-record-0042.pdf")
    box = sheet_output.offer_folder(window, sheet, "本机没有能打开 PDF 的程序，记录单未能打开。")
    qtbot.waitUntil(box.isVisible, timeout=3000)
    qtbot.wait(50)
    assert isinstance(box, QMessageBox)
    try:
        assert problems(box) == []
        shown = " ".join(label.text() for label in shown_widgets(box, QLabel))
        assert str(sheet) in shown                      # the whole path, to copy out
    finally:
        box.reject()


def test_the_unrecorded_question_shows_its_text_whole(qtbot, window, font_size):
    from ui_fixtures import answer_prompt

    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black_and_focus"])
    scan(qtbot, window, KNOWN["clear"][0], wait=False)        # a new applicant over an unrecorded result
    qtbot.waitUntil(lambda: window.check_page._prompt is not None
                    and window.check_page._prompt.isVisible(), timeout=5000)
    qtbot.wait(50)
    assert problems(window.check_page._prompt) == []
    answer_prompt(qtbot, window, "keepButton")
