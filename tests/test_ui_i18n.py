"""Languages: zh_CN by default, English through the shipped .qm; the .ts is complete for every
string in desktop/ (UI and core messages) and keeps every placeholder."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableView, QWidget

from desktop.casefile.store import RecordRefused
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from desktop.ui import i18n
from desktop.ui.dialogs import user_settings

REPO = Path(__file__).resolve().parent.parent
TS = REPO / "resources" / "translations" / "credit_desk_en.ts"
sys.path.insert(0, str(REPO / "build_scripts"))
import translations  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def back_to_chinese(qapp):
    yield
    i18n.install("zh_CN")


def test_every_string_in_the_code_has_a_finished_english_translation(tmp_path):
    """Extract afresh from today's code into a copy: a string added without translation shows up
    as unfinished here, before a clerk sees Chinese in the English window."""
    copy = tmp_path / TS.name
    shutil.copyfile(TS, copy)
    subprocess.run([translations.tool("pyside6-lupdate"), "-extensions", "py", "-no-obsolete",
                    "-locations", "none", str(REPO / "desktop"), "-ts", str(copy)],
                   check=True, capture_output=True)
    left = translations.unfinished(copy)
    assert left == [], "untranslated: " + "; ".join(f"{c}: {s}" for c, s in left[:10])
    assert len(list(ET.parse(copy).getroot().iter("message"))) > 300


# A placeholder holding the platform's own (Chinese) words, and the one its translation names the
# same things by instead (the measures by their ids): else the English window shows Chinese.
NAMED_OTHERWISE = {"{categories}": "{measures}"}


def test_translations_keep_every_placeholder_and_accelerator():
    for message in ET.parse(TS).getroot().iter("message"):
        source, text = message.findtext("source"), message.findtext("translation") or ""
        for pattern in (r"%\d", r"\{\w+\}"):
            expected = [NAMED_OTHERWISE.get(p, p) for p in re.findall(pattern, source)]
            assert sorted(expected) == sorted(re.findall(pattern, text)), source
        assert ("&" in source.replace("&&", "")) == ("&" in text.replace("&&", "")), source
        assert not CJK.search(text.replace("演示数据", "")), text


def test_compiled_qm_is_shipped_next_to_the_ts():
    qm = TS.with_suffix(".qm")
    assert qm.is_file() and qm.stat().st_mtime >= TS.stat().st_mtime - 1


def test_core_messages_render_in_english_with_their_parameters():
    message = Message(QT_TRANSLATE_NOOP("core", "必须执行的措施未执行：{measures}。请在说明中写明理由。"),
                      {"measures": "M-01 限制"})
    assert i18n.render(message).startswith("必须执行的措施未执行：M-01")
    assert i18n.install("en") == "en"
    assert i18n.render(message) == ("Mandated measures not applied: M-01 限制. "
                                    "Write the reason in the note.")
    assert i18n.render(RecordRefused(Message(QT_TRANSLATE_NOOP("core", "记档须先选择办事事项。")))
                       .message) == "Select an approval item before recording."


def test_unknown_language_keeps_chinese():
    assert i18n.install("fr") == "zh_CN"
    assert i18n.translate("MainWindow", "退出") == "退出"


def main_texts(window) -> dict[str, str]:
    def text(name, cls=None):
        w = window.findChild(cls or QPushButton, name)
        assert w is not None, name
        return w

    history = window.findChild(QTableView, "historyTable")
    return {
        "checkButton": text("checkButton").text(),
        "recordButton": text("recordButton").text(),
        "codeInput": text("codeInput", QLineEdit).placeholderText(),
        "caseNoInput": text("caseNoInput", QLineEdit).placeholderText(),
        "statusBadge": window.findChild(QWidget, "statusBadge").accessibleName(),
        "historyTable": history.model().headerData(1, Qt.Orientation.Horizontal),
        "tabs": " | ".join(window.tabs.tabText(i) for i in range(window.tabs.count())),
        "menus": " | ".join(a.text() for a in window.menuBar().actions()),
        "title": window.windowTitle(),
        "historyReprint": text("historyReprintButton").text(),
        "statsExport": text("statsExportButton").text(),
    }


def test_english_ui_changes_the_visible_texts_of_the_main_widgets(qtbot):
    from ui_fixtures import close_window, open_window

    window = open_window(qtbot)
    chinese = main_texts(window)
    close_window(window)
    assert all(CJK.search(v) for k, v in chinese.items() if k != "title"), chinese

    user_settings.update(language="en")  # as the settings dialog stores it; read at start
    window = open_window(qtbot)
    try:
        english = main_texts(window)
    finally:
        close_window(window)
    for name in chinese:
        assert english[name] != chinese[name], name
        assert not CJK.search(english[name]), (name, english[name])
    assert english["tabs"] == "Check  Alt+1 | History  Alt+2 | Monthly statistics  Alt+3 | Watch  Alt+4 | Due  Alt+5"


def test_switching_language_retranslates_the_history_and_statistics_tabs_at_once(qtbot):
    from ui_fixtures import close_window, open_window

    window = open_window(qtbot)
    try:
        reprint = window.findChild(QPushButton, "historyReprintButton")
        export = window.findChild(QPushButton, "statsExportButton")
        assert reprint.text() == "重印记录单"
        i18n.install("en")
        qtbot.waitUntil(lambda: reprint.text() == "Reprint sheet", timeout=2000)
        assert export.text() == "Export CSV…"
        header = window.findChild(QTableView, "historyTable").model().headerData(
            6, Qt.Orientation.Horizontal)
        assert header == "Result"
    finally:
        close_window(window)


def test_qts_own_dialogs_speak_the_ui_language(qtbot):
    """Standard buttons and Qt's file chooser come from Qt's qtbase_*.qm, loaded with ours."""
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

    def texts():
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        chooser = QFileDialog(None, "", "")
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog)   # Qt's own, as on the desks
        qtbot.addWidget(buttons)
        qtbot.addWidget(chooser)
        return ({b.text() for b in buttons.buttons()},
                " ".join(label.text() for label in chooser.findChildren(QLabel)))

    i18n.install("zh_CN")
    buttons, chooser = texts()
    assert buttons == {"确定", "取消"} and "文件名" in chooser, (buttons, chooser)
    i18n.install("en")
    buttons, chooser = texts()
    assert buttons == {"&OK", "&Cancel"} or buttons == {"OK", "Cancel"}, buttons
    assert not CJK.search(chooser), chooser
