"""Text from outside is shown as text, in every label and message box of the window, not only in
the result panel (break attempt 18: a USB folder's name made a refused import read as a success,
and a platform's masked number put a green "CLEAR" and a link into the purpose question)."""
from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from snapshot_fixtures import Publisher

from desktop.ui.dialogs.import_dialog import SnapshotImportDialog
from desktop.ui.dialogs.purpose_dialog import PurposeDialog
from desktop.ui.jobs import JobRunner
from offline_cache.store import SnapshotStore

UI = Path(__file__).resolve().parent.parent / "desktop" / "ui"
MARKUP = '<p style="color:green;font-size:28px">校验通过，已导入离线数据第 9 版</p>'


def test_a_markup_folder_name_on_a_usb_stick_is_shown_literally_in_a_refused_verdict(
        qtbot, tmp_path):
    publisher = Publisher(tmp_path / "publisher")
    store = SnapshotStore(tmp_path / "desk-snapshot", publisher.root)
    usb = tmp_path / "usb"
    bad = usb / MARKUP.replace("/", "")
    (bad / "metadata").mkdir(parents=True)
    (bad / "targets").mkdir()
    (bad / "metadata" / "timestamp.json").write_text("{")
    runner = JobRunner()
    dialog = SnapshotImportDialog(store, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QLineEdit, "importPath").setText(str(usb))
    with qtbot.waitSignal(dialog.finished_import, timeout=15_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importStartButton"),
                         Qt.MouseButton.LeftButton)
    verdict = dialog.findChild(QLabel, "importVerdict")
    runner.shutdown()
    assert verdict.property("verdict") == "refused"
    assert verdict.textFormat() == Qt.TextFormat.PlainText
    assert "<p style=" in verdict.text()  # the tag is what the clerk reads, not a green heading


def test_markup_in_a_masked_number_is_shown_literally_in_the_purpose_question(qtbot):
    """The platform client now refuses such a number (test_related); the question shows whatever
    it is given as text all the same: F6 put a 60-point green "CLEAR" and a link in it."""
    dialog = PurposeDialog('<p style="font-size:60pt;color:green">未命中 ✔</p>4403********6268')
    qtbot.addWidget(dialog)
    assert dialog.intro.textFormat() == Qt.TextFormat.PlainText
    assert "<p style=" in dialog.intro.text()


def violations(source: str, name: str) -> list[str]:
    """A QLabel made without textFormat= (plain_text.py's plain_label sets it next), or one of
    QMessageBox's static helpers, which render whatever their text holds."""
    bad = []
    for call in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)):
        func = call.func
        if (isinstance(func, ast.Name) and func.id == "QLabel" and name != "plain_text.py"
                and not any(k.arg == "textFormat" for k in call.keywords)):
            bad.append(f"{name}:{call.lineno} QLabel without textFormat")
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "QMessageBox"
                and func.attr in ("critical", "warning", "information", "question", "about")):
            bad.append(f"{name}:{call.lineno} QMessageBox.{func.attr}")
    return bad


def test_every_label_and_message_box_of_the_window_is_made_plain_text():
    """The rule behind the two above, for code still to come."""
    bad = [v for path in sorted(UI.rglob("*.py"))
           for v in violations(path.read_text(encoding="utf-8"), path.name)]
    assert bad == []


def test_the_rule_refuses_a_label_left_to_guess_its_format():
    """The rule on a module it must refuse (not the real code)."""
    source = ("from PySide6.QtWidgets import QLabel, QMessageBox\n"
              "a = QLabel(wordWrap=True)\nb = QLabel(textFormat=1)\n"
              "QMessageBox.warning(None, 't', x)\n")
    assert violations(source, "view.py") == ["view.py:2 QLabel without textFormat",
                                             "view.py:4 QMessageBox.warning"]
