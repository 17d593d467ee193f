"""Shared pytest-qt helpers for the window: open it on a real desk context (real snapshot, real
case file under the test's CREDIT_DESK_HOME), and drive it only through object names and
keystrokes, as a clerk (or a keyboard-wedge scanner) would. U2's view tests import these too."""
from __future__ import annotations

from desk_config import OPERATORS

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)

from casefile_fixtures import queued_feedback
from desktop.check.checker import Checker
from desktop.check.sources import PlatformUnavailable
from desktop.desk.context import DeskContext
from desktop.site import paths
from desktop.site.messages import Message

REPO = Path(__file__).resolve().parent.parent
KNOWN = json.loads((REPO / "resources" / "demo" / "known_codes.json").read_text(encoding="utf-8"))


def open_window(qtbot, ctx: DeskContext | None = None):
    from desktop.ui.app import create_app
    from desktop.ui.main_window import MainWindow

    create_app()
    window = MainWindow(ctx or DeskContext.from_environment())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # focus follows keystrokes only in the active window, as on a desk
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: window.check_page.is_ready, timeout=10_000)
    return window


def close_window(window) -> None:
    window.jobs.shutdown(10_000)
    ctx = window.ctx
    if "case_file" in ctx.__dict__:
        ctx.case_file.close()


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    yield w
    close_window(w)


def widget(window, name: str, cls=QWidget):
    found = window.findChild(cls, name)
    assert found is not None, f"no widget named {name}"
    return found


def choose_item(qtbot, window, search: str) -> None:
    """Type into the searchable item selector and take the first match, keyboard only."""
    selector = widget(window, "itemSelector", QComboBox)
    selector.setFocus()
    selector.lineEdit().selectAll()
    qtbot.keyClicks(selector.lineEdit(), search)
    popup = selector.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: search in selector.currentText(), timeout=2000)
    # The offscreen platform leaves the closed popup as the active window; a desktop does not.
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=2000)
    # It also delivers the activation late, so the selector may take the focus back once more:
    # settle, then F2 (the code-field shortcut) as a clerk would if that happened.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.wait(30)
    code = widget(window, "codeInput", QLineEdit)
    if window.focusWidget() is not code:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.focusWidget() is code, timeout=2000)  # ready for the scan


def type_text(qtbot, target: QWidget, text: str) -> None:
    """Typing as a clerk does: Latin keys as key presses, Chinese as an input method commits it
    (QTest cannot synthesise key presses for characters outside Latin-1)."""
    target.setFocus()
    if text.isascii():
        qtbot.keyClicks(target, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(target, event)


def known_code(name: str) -> str:
    """The demo code known as ``name``; "clear" is the first of the clear ones."""
    return KNOWN["clear"][0] if name == "clear" else KNOWN[name]


def show_known(qtbot, window, name: str, wait: int = 150) -> None:
    """Scan the demo code known as ``name`` and wait until its result is on the page, then
    ``wait`` ms for the event loop to lay it out and paint it. The result before counts as
    recorded: no question interrupts (for tests of what is painted, not of the record)."""
    page = window.check_page
    code = known_code(name)
    page.is_recorded = True
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == code)
    qtbot.wait(wait)


def hold_checks(window, hold) -> None:
    """Each check of ``window`` runs ``hold()`` first, on its worker (a slow platform or desk)."""
    checker = window.ctx.checker
    check = checker.check

    def held(*args, **kwargs):
        hold()
        return check(*args, **kwargs)
    checker.check = held


def scan(qtbot, window, text: str, *, wait: bool = True) -> None:
    """What a keyboard-wedge scanner does: fast keystrokes into the focused field, then Enter."""
    code = widget(window, "codeInput", QLineEdit)
    code.setFocus()
    code.selectAll()
    qtbot.keyClicks(code, text)
    qtbot.keyClick(code, Qt.Key.Key_Return)
    if wait:
        wait_idle(qtbot, window)


def _open_dialog(window, name: str):
    from PySide6.QtWidgets import QDialog

    return next((d for d in window.findChildren(QDialog, name) if d.isVisible()), None)


def give_purpose(qtbot, window, text: str) -> None:
    """Answer the purpose dialog a natural person's check asks first, as a clerk types it."""
    qtbot.waitUntil(lambda: _open_dialog(window, "purposeDialog") is not None, timeout=5000)
    dialog = _open_dialog(window, "purposeDialog")
    field = dialog.findChild(QLineEdit, "purposeInput")
    field.setFocus()
    field.selectAll()
    field.insert(text)  # committed by the input method, as Chinese text arrives
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    dialog.setObjectName("")  # answered; its deletion is deferred, so the next one is found
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    wait_idle(qtbot, window)


def wait_idle(qtbot, window, timeout: int = 10_000) -> None:
    page = window.check_page
    def settled() -> bool:
        if page._prompt is not None:  # waiting for the clerk's answer
            return True
        return not page.checks.busy and page.recordPanel.record_job is None
    qtbot.waitUntil(settled, timeout=timeout)


def record(qtbot, window, case_no: str | None = "GZ-TEST-1") -> None:
    """Ctrl+Enter, then wait until the durable write has been confirmed or refused. Every record
    names its case (as on the command line): ``case_no`` is typed first when the field is empty;
    None leaves it empty."""
    page = window.check_page
    field = widget(window, "caseNoInput", QLineEdit)
    if case_no and not field.text():
        type_text(qtbot, field, case_no)
    qtbot.keyClick(widget(window, "codeInput", QLineEdit), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.recordPanel.record_job is None, timeout=10_000)


def badge_state(window) -> str:
    return widget(window, "statusBadge").state


def table_rows(window, name: str) -> list[list[str]]:
    table = widget(window, name, QTableWidget)
    return [[table.item(r, c).text() if table.item(r, c) else ""
             for c in range(table.columnCount())] for r in range(table.rowCount())]


def stored_records(home: Path | None = None) -> list[dict]:
    """The case file read straight from SQLite, as an auditor would."""
    path = paths.case_file() if home is None else home / "cases.sqlite"
    with sqlite3.connect(path) as conn:
        return [json.loads(body) for (body,) in
                conn.execute("SELECT body FROM records ORDER BY record_id")]


def outbox_rows(home: Path | None = None) -> list[dict]:
    return queued_feedback(paths.case_file() if home is None else home / "cases.sqlite")


class HangingPlatform:
    """A platform that never answers in time: it blocks until its deadline, then gives up, the
    way a real client does against a hung server. ``release`` ends every wait at once."""

    def __init__(self):
        self.calls = 0
        self.release = threading.Event()

    def query(self, code, item_code, *, deadline):
        self.calls += 1
        self.release.wait(deadline)
        raise PlatformUnavailable(Message("信用平台在 {s} 秒内没有答复", {"s": deadline}))


def with_platform(ctx: DeskContext, platform, deadline: float) -> DeskContext:
    """Put a platform in front of the real snapshot: the check path itself is unchanged."""
    ctx.__dict__["checker"] = Checker(ctx.offline, platform, deadline=deadline)
    return ctx


def no_snapshot_config(config_path: Path, tmp_path: Path) -> None:
    """A production deployment (its own trust root, so no demo data) with nothing installed yet."""
    from snapshot_fixtures import Publisher

    root = Publisher(tmp_path / "publisher").root
    config_path.write_text(f'[snapshot]\ntrust_root = "{root.as_posix()}"\n' + OPERATORS, encoding="utf-8")


def button(box: QMessageBox, name: str) -> QPushButton:
    found = box.findChild(QPushButton, name)
    assert found is not None
    return found


def answer_prompt(qtbot, window, button_name: str) -> None:
    """Click a button of the open "unrecorded result" question, as the clerk would."""
    box = window.check_page._prompt
    assert box is not None and box.isVisible(), "the clerk was not asked"
    assert box.objectName() == "unrecordedPrompt"
    qtbot.mouseClick(button(box, button_name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.check_page._prompt is None, timeout=2000)
    # A desktop gives the activation back to the window when the question closes; offscreen
    # does not, and shortcuts only fire in the active window.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


class LoopProbe:
    """Measures how long the GUI event loop goes without turning: a fast timer notes the gap
    between its ticks; the worst gap is the longest the window was frozen."""

    def __init__(self, interval_ms: int = 5):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.gaps: list[float] = []
        self._last = None
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def __enter__(self) -> "LoopProbe":
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.stop()

    @property
    def worst_stall_ms(self) -> float:
        """The longest gap beyond the timer's own interval, in milliseconds."""
        return max(0.0, (max(self.gaps, default=0.0) - self.interval) * 1000)
