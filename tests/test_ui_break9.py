"""Break attempt 9: the record panel made opaque (autoFillBackground, 947b221). What held is kept
here; one probe found the commit's own render test failing now and then under load (fixed
there). Also probed and held, not kept (each takes seconds): scrolling with a result shown,
resizing and maximising, a font size change with a result shown, Ctrl+Enter refused, the stale
notice coming and going, Tab through the panel, the outcome list open and a tooltip shown while a
result arrives, clear and an invalid code, an inactive window under a dialog, 125-175 % scaling.
Left alone: the panel's ground is its own palette's white, the page's white by configuration; a
page tinted through its own palette would show a white box round the panel (nothing tints it).

An opaque panel that a result moves has its pixels moved in the backing store instead of being
painted again, and it fills its own ground with its palette's Window colour. Each probe drives the
window as a clerk would and then compares what the window last painted (the backing store) with
the same window painted anew (every widget updated), and with the panel drawn afresh (grab)."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from test_ui_render import FORMAT, drawn_now, on_screen
from ui_fixtures import (KNOWN, choose_item, hold_checks, known_code, record, scan, show_known,  # noqa: F401
                         window)

# Results that grow and shrink the page, with and without the pledge row (item_with_tolerance
# offers commitments; commitment_breached closes them with a note).
SEQUENCE = ("black_and_focus", "clear", "objection", "clear", "commitment_breached", "repaired",
            "clear")


def page_rect(window) -> QRect:
    viewport = window.check_page.scrollArea.viewport()
    return QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())


def screen_of(window, rect: QRect) -> QImage:
    return window.screen().grabWindow(window.winId(), rect.x(), rect.y(), rect.width(),
                                      rect.height()).toImage().convertToFormat(FORMAT)


def without_code_field(window, image: QImage, rect: QRect) -> QImage:
    """The code field's clear button fades in and out (an animation): not this change's."""
    code = window.check_page.codeInput
    scale = image.width() / rect.width()
    field = QRect(code.mapTo(window, QPoint(0, 0)) - rect.topLeft(), code.size())
    painter = QPainter(image)
    painter.fillRect(QRect(int(field.x() * scale), int(field.y() * scale),
                           int(field.width() * scale) + 2, int(field.height() * scale) + 2),
                     QColor("black"))
    painter.end()
    return image


def stale(qtbot, window, tag: str) -> list[str]:
    """What is on screen differs from the window painted anew (or the panel drawn afresh)."""
    faults = []
    panel = window.check_page.recordPanel
    if window.devicePixelRatio() == 1 and not panel.visibleRegion().isEmpty():
        if on_screen(window, panel) != drawn_now(panel):
            faults.append(f"{tag}: the panel on screen is not the panel drawn now")
    rect = page_rect(window)
    before = without_code_field(window, screen_of(window, rect), rect)
    window.update()
    for widget in window.findChildren(QWidget):
        widget.update()
    qtbot.wait(80)
    after = without_code_field(window, screen_of(window, rect), rect)
    if before != after:
        faults.append(f"{tag}: stale pixels on the page")
    return faults


@pytest.fixture(autouse=True)
def no_caret_blinking():
    """No caret blinking between two screenshots; the application's own rate back afterwards."""
    rate = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)
    yield
    QApplication.setCursorFlashTime(rate)


def set_up(qtbot, window, size=(1366, 768), item="item_with_tolerance") -> None:
    if size == "max":
        window.showMaximized()
    else:
        window.resize(*size)
    qtbot.wait(100)
    choose_item(qtbot, window, KNOWN[item])


def run_sequence(qtbot, window, tag: str, before_each=None) -> list[str]:
    faults = []
    for i, name in enumerate(SEQUENCE):
        if before_each:
            before_each(i)
        show_known(qtbot, window, name, wait=200)
        faults += stale(qtbot, window, f"{tag} {i} {name}")
    return faults


# -- held -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size,item", [((1366, 768), "item_with_measures"),
                                       ((1366, 768), "item_with_tolerance"),
                                       ("max", "item_with_tolerance")])
def test_moves_up_and_down_leave_nothing_stale(qtbot, window, size, item):
    set_up(qtbot, window, size, item)
    assert not run_sequence(qtbot, window, f"{item} {size}")


def test_moves_with_the_page_scrolled_to_the_bottom(qtbot, window):
    set_up(qtbot, window, (1024, 560))
    bar = window.check_page.scrollArea.verticalScrollBar()

    def scroll(_i):
        bar.setValue(bar.maximum())
        qtbot.wait(50)
    assert not run_sequence(qtbot, window, "scrolled", scroll)


def test_the_largest_font(qtbot, window):
    from desktop.ui import style

    set_up(qtbot, window)
    app = QApplication.instance()
    style.apply_font_size(app, max(style.FONT_SIZES))
    try:
        qtbot.wait(100)
        faults = run_sequence(qtbot, window, "largest font")
    finally:
        style.apply_font_size(app, style.DEFAULT_FONT_SIZE)
    assert not faults, "\n".join(faults)


def test_a_switch_to_english_and_back(qtbot, window):
    from desktop.ui import i18n

    set_up(qtbot, window)
    show_known(qtbot, window, "black_and_focus", wait=200)
    app = QApplication.instance()
    i18n.install("en", app)
    try:
        qtbot.wait(200)
        faults = stale(qtbot, window, "to English")
        faults += run_sequence(qtbot, window, "English")
    finally:
        i18n.install("zh_CN", app)
    qtbot.wait(200)
    faults += stale(qtbot, window, "back to Chinese")
    assert not faults, "\n".join(faults)


def test_messages_in_the_panel_then_moves(qtbot, window):
    set_up(qtbot, window)
    panel = window.check_page.recordPanel

    def message(i):
        if i % 2:
            panel.show_message("记档须填写办件编号（Alt+N）。" * 8, error=True)
        else:
            panel.show_message("已记入办件档案：记录 12。可扫描下一个代码；Ctrl+P 打印记录单。")
        qtbot.wait(100)
    assert not run_sequence(qtbot, window, "message", message)


def test_recording_with_ctrl_enter_then_the_next_scan(qtbot, window):
    set_up(qtbot, window)
    page = window.check_page
    faults = []
    for i, name in enumerate(SEQUENCE):
        code = known_code(name)
        scan(qtbot, window, code)
        qtbot.waitUntil(lambda: page.result is not None and page.result.code == code)
        qtbot.wait(150)
        page.recordPanel.noteInput.setPlainText("说明 " * 30)
        page.recordPanel.outcomeSelector.setCurrentIndex(0)
        record(qtbot, window, "GZ-1")
        qtbot.wait(200)
        assert page.is_recorded, page.recordPanel.formMessage.text()
        faults += stale(qtbot, window, f"recorded {i} {name}")
    assert not faults, "\n".join(faults)


def test_a_desk_refused_by_an_altered_case_file(qtbot, window):
    set_up(qtbot, window)
    window.check_page.recordPanel._refuse("办件档案被改动（测试）" * 4)
    qtbot.wait(100)
    assert not run_sequence(qtbot, window, "refused")


def test_checking_shown_before_each_result(qtbot, window):
    """A slow check (a loaded desk, a platform) shows "checking" first: up, then down."""
    set_up(qtbot, window)
    window.check_page.checks._slow.setInterval(0)
    assert not run_sequence(qtbot, window, "checking first")


def test_the_panel_ground_is_the_page_white_in_every_state(qtbot, window):
    """Default look: the panel's empty corner is the page's own white, nothing else."""
    set_up(qtbot, window)
    panel = window.check_page.recordPanel
    white = QColor("#ffffff")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                  QPalette.ColorGroup.Disabled):
        assert panel.palette().color(group, QPalette.ColorRole.Window) == \
            window.check_page.scrollArea.widget().palette().color(group, QPalette.ColorRole.Window)
    seen = 0
    for name in SEQUENCE:
        show_known(qtbot, window, name, wait=200)
        if panel.visibleRegion().boundingRect() != panel.rect():
            continue  # partly scrolled out of view: its corner is not on screen
        shot = on_screen(window, panel)
        assert QColor(shot.pixel(shot.width() - 3, shot.height() - 3)) == white, name
        seen += 1
    assert seen >= 3


def test_the_moved_panel_render_test_holds_when_checks_are_slow(qtbot, window):
    """Found by this attempt: the commit's own test failed now and then on a loaded desk (4 busy
    processes on 2 cores: 1 run in 4), as a check slower than 80 ms shows "checking" first and
    the panel moves up before the result moves it down. It now pins the "checking" delay."""
    from test_ui_render import test_the_record_panel_moved_by_a_result_is_not_painted_again as t

    hold_checks(window, lambda: time.sleep(0.15))
    t(qtbot, window)

