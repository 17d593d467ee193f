"""The window's dialogs, driven through object names: operator sign-in (remembered per machine),
about/status (real trust root, real snapshot, real platform on loopback), snapshot import (real
signed snapshots, a tampered one, a cancelled one) and settings (stored, applied, deployment
read-only)."""
from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTextBrowser,
)
from reference_platform.fixtures import memory_keyring, online  # noqa: F401
from snapshot_fixtures import Publisher, tree

from desktop.desk.context import DeskContext
from desktop.site import paths
from desktop.ui import i18n
from desktop.ui.dialogs.about_dialog import AboutDialog
from desktop.ui.dialogs.import_dialog import SnapshotImportDialog, install_snapshot
from desktop.ui.dialogs.settings_dialog import SettingsDialog
from desktop.ui.dialogs.sign_in_dialog import SignInDialog
from desktop.ui.jobs import JobRunner
from desktop.ui.widgets.plain_text import tooltip
from offline_cache.store import SnapshotStore


@pytest.fixture
def runner():
    r = JobRunner()
    yield r
    r.shutdown()


def stored_settings() -> dict:
    f = paths.settings_file()
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}


# -- operator sign-in -------------------------------------------------------------------------

def test_sign_in_refuses_a_bad_operator_id_and_stores_nothing(qtbot, runner):
    dialog = SignInDialog("test-op", runner)
    qtbot.addWidget(dialog)
    dialog.show()
    field = dialog.findChild(QLineEdit, "operatorInput")
    field.clear()
    qtbot.keyClicks(field, "op 01; drop")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "signInError")
    assert error.isVisible() and "op 01; drop" in error.text() and "字母、数字" in error.text()
    assert dialog.isVisible() and "operator" not in stored_settings()


def test_sign_in_is_remembered_for_the_next_start(qtbot, runner, monkeypatch):
    monkeypatch.delenv("CREDIT_DESK_OPERATOR")
    stored_settings_before = {"item": "CZ-001"}
    paths.settings_file().write_text(json.dumps(stored_settings_before), encoding="utf-8")
    dialog = SignInDialog("", runner)
    qtbot.addWidget(dialog)
    dialog.show()
    field = dialog.findChild(QLineEdit, "operatorInput")
    qtbot.keyClicks(field, "GZ-0117")
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signed:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert signed.args == ["GZ-0117"]
    assert stored_settings() == {"item": "CZ-001", "operator": "GZ-0117"}  # the item is kept
    assert DeskContext.from_environment().operator == "GZ-0117"


def test_sign_in_from_the_menu_changes_the_status_bar(qtbot):
    from ui_fixtures import close_window, open_window

    window = open_window(qtbot)
    try:
        window.findChild(type(window.action_sign_in), "actionSignIn").trigger()
        dialog = window.findChild(SignInDialog, "signInDialog")
        field = dialog.findChild(QLineEdit, "operatorInput")
        field.selectAll()
        qtbot.keyClicks(field, "op-2")
        qtbot.keyClick(field, Qt.Key.Key_Return)
        label = window.findChild(QLabel, "operatorLabel")
        qtbot.waitUntil(lambda: "op-2" in label.text(), timeout=5000)
        assert window.ctx.operator == "op-2"
    finally:
        close_window(window)


# -- about / status ----------------------------------------------------------------------------

def test_about_shows_versions_demo_root_and_snapshot_offline_only(qtbot, runner):
    ctx = DeskContext.from_environment()
    dialog = AboutDialog(ctx, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([dialog.status_shown, dialog.reachability_shown], timeout=10_000):
        dialog.show()
    text = dialog.findChild(QTextBrowser, "aboutText").toPlainText()
    snap = ctx.offline.snapshot()
    assert "0.1.0" in text and "PySide6" in text
    assert f"第 {snap.version} 版" in text and "演示数据 / DEMO DATA" in text
    assert snap.kind == "full" and "（完整快照）" in text and "增量" not in text
    assert "（演示）" in text and "demo-root.json" in text
    assert "未配置" in dialog.findChild(QLabel, "platformReachability").text()
    from datetime import datetime, timezone
    days = (datetime.now(timezone.utc) - snap.data_as_of).total_seconds() / 86400
    if days >= 2:       # the demo data is days old: said in days, not hundreds of hours
        assert f"{days:.0f} 天前" in text and "小时前" not in text


def test_about_tells_whether_the_platform_answers(qtbot, runner, online):
    ctx = online.context()
    dialog = AboutDialog(ctx, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.reachability_shown, timeout=10_000) as reached:
        dialog.show()
    reach_label = dialog.findChild(QLabel, "platformReachability")
    assert reached.args[0].reachable and "可以连通" in reach_label.text()

    online.platform.stop()
    with qtbot.waitSignal(dialog.reachability_shown, timeout=10_000) as reached:
        qtbot.mouseClick(dialog.findChild(QPushButton, "aboutRecheck"), Qt.MouseButton.LeftButton)
    assert not reached.args[0].reachable
    assert "无法连通" in reach_label.text() and "无法连接平台" in reach_label.text()


# -- snapshot import ---------------------------------------------------------------------------

@pytest.fixture
def publisher(tmp_path):
    return Publisher(tmp_path / "publisher")


@pytest.fixture
def store(tmp_path, publisher):
    return SnapshotStore(tmp_path / "desk-snapshot", publisher.root)


def import_dialog(qtbot, store, runner) -> SnapshotImportDialog:
    dialog = SnapshotImportDialog(store, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def run_import(qtbot, dialog, path) -> None:
    dialog.findChild(QLineEdit, "importPath").setText(str(path))
    with qtbot.waitSignal(dialog.finished_import, timeout=15_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importStartButton"),
                         Qt.MouseButton.LeftButton)


def test_import_from_a_usb_folder_installs_and_says_so(qtbot, runner, store, publisher):
    folder = publisher.publish(3)
    dialog = import_dialog(qtbot, store, runner)
    run_import(qtbot, dialog, folder)  # the folder, as found on the stick
    verdict = dialog.findChild(QLabel, "importVerdict")
    assert "已导入离线数据第 3 版" in verdict.text() and verdict.property("verdict") == "ok"
    assert dialog.findChild(QProgressBar, "importProgress").value() == 100
    assert store.current().version == 3


def test_tampered_snapshot_is_refused_with_the_reason_and_nothing_changes(qtbot, runner, store,
                                                                          publisher, tmp_path):
    store.install(publisher.publish(2))
    before = tree(store.folder)
    folder = publisher.publish(3)
    data = folder / "targets" / "snapshot-000003.sqlite"
    raw = bytearray(data.read_bytes())
    raw[-100] ^= 0xFF  # one flipped byte on the stick
    data.write_bytes(bytes(raw))
    dialog = import_dialog(qtbot, store, runner)
    run_import(qtbot, dialog, folder / "metadata" / "targets.json")  # a file picked inside the folder
    verdict = dialog.findChild(QLabel, "importVerdict").text()
    assert verdict.startswith("已拒绝") and "targets" in verdict and "哈希" in verdict, verdict
    assert "本机离线数据保持不变" in verdict
    assert tree(store.folder) == before and store.current().version == 2


def test_older_snapshot_is_refused_as_rollback(qtbot, runner, store, publisher):
    old = publisher.publish(2)
    store.install(publisher.publish(3))
    dialog = import_dialog(qtbot, store, runner)
    run_import(qtbot, dialog, old)
    assert "拒绝回退" in dialog.findChild(QLabel, "importVerdict").text()
    assert store.current().version == 3


def test_an_english_window_gives_the_snapshot_layers_refusals_in_english(qtbot, runner, store,
                                                                       publisher):
    import re

    old = publisher.publish(2)
    store.install(publisher.publish(3))
    folder = publisher.publish(4)
    data = folder / "targets" / "snapshot-000004.sqlite"
    raw = bytearray(data.read_bytes())
    raw[-100] ^= 0xFF
    data.write_bytes(bytes(raw))
    i18n.install("en")
    try:
        dialog = import_dialog(qtbot, store, runner)
        verdict = dialog.findChild(QLabel, "importVerdict")
        for path, words in ((old, "older than the version this desk already trusts"),
                            (folder, "length or hash differs from what is signed"),
                            (folder.parent / "no-such-stick", "a file is missing")):
            run_import(qtbot, dialog, path)
            assert words in verdict.text(), verdict.text()
            assert not re.search(r"[\u4e00-\u9fff]", verdict.text()), verdict.text()
    finally:
        i18n.install("zh_CN")
    assert store.current().version == 3
    # The Chinese window (and the command line) keep the store's detailed words.
    run_import(qtbot, dialog, old)
    assert "拒绝回退" in verdict.text()


def test_an_english_window_says_why_offline_data_cannot_vouch_in_english(qtbot, desk_env):
    import re

    from desktop.offline import refusal
    from desktop.offline.data import OfflineData
    from desktop.check.sources import OfflineUnavailable

    ctx = DeskContext.from_environment()
    offline = OfflineData(ctx.config)
    snap = offline.snapshot()
    (snap.metadata_path / "targets.json").write_text("{}", encoding="utf-8")   # an edited file
    with pytest.raises(OfflineUnavailable) as caught:
        offline.snapshot()
    chinese = i18n.render(caught.value.reason)
    assert "离线数据校验失败" in chinese
    i18n.install("en")
    try:
        english = i18n.render(caught.value.reason)
    finally:
        i18n.install("zh_CN")
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert english.startswith("The offline data failed verification") and "altered or damaged" in english
    assert str(caught.value.reason).startswith("离线数据校验失败")       # the command line: zh_CN
    assert isinstance(caught.value.reason.params["detail"], refusal.Refusal)


def test_cancelled_import_changes_nothing(store, publisher):
    store.install(publisher.publish(2))
    before = tree(store.folder)
    stop = threading.Event()
    stop.set()  # the clerk pressed cancel before verification finished
    outcome = install_snapshot(store, publisher.publish(3), stop)
    assert outcome.refused is not None and outcome.refused.reason == "cancelled"
    assert outcome.before == 2 and tree(store.folder) == before


def test_cancel_button_verdict_matches_what_is_on_disk(qtbot, runner, store, publisher):
    store.install(publisher.publish(2))
    dialog = import_dialog(qtbot, store, runner)
    dialog.findChild(QLineEdit, "importPath").setText(str(publisher.publish(3)))
    cancel = dialog.findChild(QPushButton, "importCancelButton")
    assert not cancel.isEnabled()
    with qtbot.waitSignal(dialog.finished_import, timeout=15_000) as finished:
        qtbot.mouseClick(dialog.findChild(QPushButton, "importStartButton"),
                         Qt.MouseButton.LeftButton)
        assert cancel.isEnabled()
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    verdict = dialog.findChild(QLabel, "importVerdict").text()
    # Cancel races the verification; whichever won, the verdict tells the truth about the disk.
    if finished.args[0].refused is not None:
        assert "已取消导入" in verdict and store.current().version == 2
    else:
        assert "已导入离线数据第 3 版" in verdict and store.current().version == 3
    assert not cancel.isEnabled()


# -- settings ----------------------------------------------------------------------------------

@pytest.fixture
def restore_language():
    yield
    i18n.install("zh_CN")


def test_settings_are_stored_and_applied_and_deployment_is_read_only(qtbot, runner,
                                                                     restore_language):
    app = QApplication.instance()
    ctx = DeskContext.from_environment()
    dialog = SettingsDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    deployment = [w for w in dialog.findChildren(QLineEdit) if w.objectName() == "deploymentField"]
    assert deployment and all(w.isReadOnly() for w in deployment)
    assert str(ctx.config.trust_root) in [w.text() for w in deployment]
    assert "s3cr3t" not in " ".join(w.text() for w in deployment)
    # Words in the UI language, never the config's raw "platform"; paths whole on hover.
    shown = [w.text() for w in deployment]
    assert "信用平台" in shown and "platform" not in shown and "不限" in shown
    assert all(w.toolTip() == tooltip(w.text()) for w in deployment)  # the whole path, as text

    dialog.findChild(QSpinBox, "fontSizeInput").setValue(15)
    dialog.findChild(QCheckBox, "soundsInput").setChecked(True)
    language = dialog.findChild(QComboBox, "languageInput")
    language.setCurrentIndex(language.findData("en"))
    with qtbot.waitSignal(dialog.applied, timeout=5000):
        dialog.buttons.accepted.emit()
    assert stored_settings() == {"font_size": 15, "sounds": True, "language": "en"}
    assert app.font().pointSize() == 15
    assert i18n.current() == "en"
    assert not dialog.isVisible()


# -- look ----------------------------------------------------------------------------------------

def test_icons_render_and_the_style_sheet_and_font_size_apply(qapp):
    from desktop.ui import style

    for name in style.ICONS:
        image = style.icon(name).pixmap(32, 32).toImage()
        assert not image.isNull(), name
        opaque = sum(image.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32))
        assert opaque > 200, f"icon {name} draws almost nothing"
    style.apply_style(qapp, 40)  # out of range: clamped, never unreadable or absurd
    assert "QPushButton:focus" in qapp.styleSheet()
    assert qapp.font().pointSize() == style.FONT_SIZES.stop - 1
    style.apply_style(qapp, "big")
    assert qapp.font().pointSize() == style.DEFAULT_FONT_SIZE
    assert not qapp.windowIcon().isNull()


def test_qt_setters_keep_their_references_to_none(qapp):
    """PySide6 6.12.0 on CPython 3.11 dropped a reference to None on every void call; a window
    filling its tables died with "none_dealloc" within a morning. pyproject excludes that
    release; this catches any other build of the bindings that does the same."""
    import sys

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableWidgetItem

    label, item = QLabel(), QTableWidgetItem("x")
    before = sys.getrefcount(None)
    for n in range(2000):
        label.setText("x")
        item.setData(Qt.ItemDataRole.UserRole, n)
    assert sys.getrefcount(None) - before > -100


def test_every_dialog_opens_from_its_shortcut(qtbot):
    from ui_fixtures import close_window, open_window

    window = open_window(qtbot)
    try:
        for keys, modifiers, cls in (
                (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, AboutDialog),
                (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                 SnapshotImportDialog),
                (Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                 SignInDialog),
                (Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier, SettingsDialog)):
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow, timeout=2000)
            qtbot.keyClick(window, keys, modifiers)
            qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(cls)),
                            timeout=3000)
            dialog = next(d for d in window.findChildren(cls) if d.isVisible())
            window.jobs.wait(10_000)  # the dialog's own reads finish before it goes
            dialog.reject()
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    finally:
        close_window(window)
