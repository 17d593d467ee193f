"""Issue 13 item 5 under a hurried clerk: what the optimised check page shows after a scan of
another kind and a language switch between scans."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from reference_platform.fixtures import memory_keyring  # noqa: F401 - fixtures
from ui_fixtures import KNOWN, badge_state, scan, window  # noqa: F401

from desktop.ui import i18n

MISTYPED = KNOWN["black"][:-1] + "X"  # the check character wrong


@pytest.fixture(autouse=True)
def back_to_chinese(qapp):
    yield
    i18n.install("zh_CN")


def test_an_invalid_code_still_says_so_after_the_language_is_switched(qtbot, window):
    badge = window.findChild(QLabel, "statusBadgeText")
    banner = window.findChild(QLabel, "sourceBanner")
    scan(qtbot, window, MISTYPED)
    assert badge.text().startswith("代码无效，未查询")
    i18n.install("en")
    qtbot.wait(50)
    # Not the idle "please scan" prompt: the clerk must still see why nothing was checked.
    assert "invalid" in badge.text().lower(), badge.text()
    assert "U" in badge.text()  # the reason (the check character expected) is kept
    assert banner.text() and banner.text().isascii(), banner.text()
    i18n.install("zh_CN")
    qtbot.wait(50)
    assert badge.text().startswith("代码无效，未查询"), badge.text()
