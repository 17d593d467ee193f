"""Screenshots of the window's main states for the README, taken from the real window on a real
X server (Xvfb) with the system CJK font, at the smallest screen the halls use (1366x768).

    .venv/bin/python build_scripts/screenshots.py [--out docs/screenshots]

Needs `xvfb` (apt-get install -y xvfb) and fonts-noto-cjk; re-runs itself under xvfb-run when no
display is set. Each state is reached the way a clerk reaches it: the item is picked, the code is
typed into the code field and Enter pressed, the check is recorded with Ctrl+Enter. All state
lives in a throw-away CREDIT_DESK_HOME on the bundled demo data; nothing of this machine is used.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SIZE = (1366, 768)
KNOWN = json.loads((REPO / "resources" / "demo" / "known_codes.json").read_text(encoding="utf-8"))


def under_xvfb() -> None:
    if os.environ.get("DISPLAY") or os.environ.get("CREDIT_DESK_SCREENSHOTS_CHILD"):
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        sys.exit("xvfb-run not found: apt-get install -y xvfb")
    env = dict(os.environ, CREDIT_DESK_SCREENSHOTS_CHILD="1")
    env.pop("QT_QPA_PLATFORM", None)
    sys.exit(subprocess.call([xvfb, "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24",
                              sys.executable, *sys.argv], env=env))


def wait(app, predicate, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


class Session:
    """One window on one CREDIT_DESK_HOME."""

    def __init__(self, out: Path, home: Path, config_text: str = "", install: Path | None = None):
        from desktop.desk.context import DeskContext
        from desktop.ui.app import create_app
        from desktop.ui.main_window import MainWindow

        home.mkdir(parents=True, exist_ok=True)
        config = home.parent / f"{home.name}.toml"
        config.write_text(config_text, encoding="utf-8")
        os.environ["CREDIT_DESK_HOME"] = str(home)
        os.environ["CREDIT_DESK_CONFIG"] = str(config)
        os.environ["CREDIT_DESK_OPERATOR"] = "GZ-0117"  # the operator the deployment names
        self.out = out
        self.app = create_app()
        ctx = DeskContext.from_environment("GZ-0117")
        if install is not None:  # as a USB import would
            ctx.offline.store.install(install)
        self.window = MainWindow(ctx)
        self.window.resize(*SIZE)
        self.window.move(0, 0)
        self.window.show()
        self.window.activateWindow()
        self.page = self.window.check_page
        wait(self.app, lambda: self.page.is_ready)

    def pick_item(self, item_code: str) -> None:
        selector = self.page.itemSelector
        index = selector.findData(item_code)
        if index < 0:
            raise SystemExit(f"item {item_code} not in the catalogue")
        selector.setCurrentIndex(index)
        settle(self.app)

    def scan(self, code: str, case_no: str = "") -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if case_no:
            self.page.caseNoInput.setText(case_no)
        field = self.page.codeInput
        field.setFocus()
        field.selectAll()
        QTest.keyClicks(field, code)
        QTest.keyClick(field, Qt.Key.Key_Return)
        wait(self.app, lambda: not self.page.checks.busy
             and self.page.statusBadge.state not in ("", "checking", "idle"))
        settle(self.app)

    def record(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        outcome = self.page.recordPanel.outcomeSelector
        if outcome.currentIndex() < 0:  # no preset (a limit to weigh): the clerk decides
            outcome.setCurrentIndex(outcome.findData("approved"))
        QTest.keyClick(self.page.codeInput, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        wait(self.app, lambda: self.page.is_recorded)
        settle(self.app)

    def scroll_to(self, widget) -> None:
        self.page.scrollArea.ensureWidgetVisible(widget)
        settle(self.app)

    def commit_tolerance(self, due: str, form_no: str, missing: str) -> None:
        """A 容缺受理 commitment with the record, as the clerk fills the record panel."""
        from PySide6.QtWidgets import QComboBox, QLineEdit

        panel = self.page.recordPanel
        panel.outcomeSelector.setCurrentIndex(panel.outcomeSelector.findData("approved_with_conditions"))
        selector = self.window.findChild(QComboBox, "commitmentSelector")
        selector.setCurrentIndex(selector.findData("tolerance"))
        for name, text in (("formNoInput", form_no), ("dueInput", due), ("missingInput", missing)):
            self.window.findChild(QLineEdit, name).setText(text)
        settle(self.app)

    def dialog_shot(self, name: str, keys: str, object_name: str) -> Path:
        """Open a dialog by its shortcut, as a clerk does, and take the dialog alone."""
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QDialog

        combo = QKeySequence(keys)[0]
        self.window.activateWindow()
        settle(self.app)
        QTest.keyClick(self.window, combo.key(), combo.keyboardModifiers())
        wait(self.app, lambda: any(d.isVisible() for d in self.window.findChildren(QDialog, object_name)))
        dialog = next(d for d in self.window.findChildren(QDialog, object_name) if d.isVisible())
        self.window.jobs.wait(10_000)
        settle(self.app, 0.8)
        path = self.out / f"{name}.png"
        if not dialog.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        dialog.reject()
        settle(self.app)
        return path

    def tab(self, widget) -> None:
        self.window.tabs.setCurrentWidget(widget)
        settle(self.app, 0.8)

    def shot(self, name: str) -> Path:
        settle(self.app)
        path = self.out / f"{name}.png"
        if not self.window.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        return path

    def close(self) -> None:
        self.window.jobs.shutdown(10_000)
        self.window.hide()
        self.window.deleteLater()
        settle(self.app)


def os_operators() -> str:
    """Production configs name how operators sign in: here the OS account, mapped to a 工号."""
    import getpass

    return f'\n[operators]\nauth = "os"\n\n[operators.os_map]\n"{getpass.getuser()}" = "GZ-0117"\n'


def production_root(folder: Path) -> Path:
    """A province's TUF repository with its own key; returns its first root (the trust root)."""
    from datetime import datetime, timedelta, timezone

    from offline_cache.repository import Repository, RoleKeys, generate_key, load_signer

    folder.mkdir(parents=True)
    key = folder / "publisher.key"
    generate_key(key)
    signer = load_signer(key)
    keys = RoleKeys((signer.public_key,), 1)
    repo = Repository.create(folder / "repository", {r: keys for r in ("root", "targets", "snapshot", "timestamp")},
                             [signer], name="screenshot-province",
                             expires={"root": datetime.now(timezone.utc) + timedelta(days=365)})
    return repo.metadata / "1.root.json"


def stale_snapshot(folder: Path, key: Path, hours_old: int = 72) -> Path:
    """The demo dataset published as a production snapshot whose data is ``hours_old`` hours
    old: older than the deployment's warning age (48 h), within its limit (168 h). Returns a copy
    of the repository (a USB stick)."""
    from datetime import datetime, timedelta, timezone

    from desktop.site.paths import demo_snapshot_dir
    from offline_cache.build import bucket_path
    from offline_cache.repository import Repository, data_name, load_signer

    repo = Repository(key.parent / "repository")
    targets = demo_snapshot_dir() / "targets"
    data = folder.parent / "stale.sqlite"
    shutil.copyfile(targets / data_name(1), data)
    shutil.copyfile(targets / "buckets-000001.bin", bucket_path(data))
    signer = load_signer(key)
    repo.publish(version=1, data=data, buckets=bucket_path(data), region="440000",
                 data_as_of=datetime.now(timezone.utc) - timedelta(hours=hours_old),
                 signers={r: [signer] for r in ("targets", "snapshot", "timestamp")})
    shutil.copytree(repo.folder, folder)
    return folder


def unreachable_platform_secret() -> None:
    """The platform secret in a keyring of this process only, so that the check really asks the
    (unreachable) platform and the banner says why it fell back."""
    import keyring

    sys.path.insert(0, str(REPO / "tests"))
    from memory_keyring import MemoryKeyring

    backend = MemoryKeyring()
    backend.set_password("credit-desk", "hall-screenshot", "not-a-real-secret")
    keyring.set_keyring(backend)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the window's main states")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    under_xvfb()
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="credit-desk-shots-"))
    try:
        from desktop.ui.dialogs import user_settings

        s = Session(args.out, scratch / "demo")
        s.pick_item(KNOWN["item_with_measures"])
        s.scan(KNOWN["black"], "GZ-2026-001")
        s.shot("01-black-list-hit")
        s.record()
        s.scan(KNOWN["focus"], "GZ-2026-002")
        s.shot("02-focus-list-hit")
        s.record()
        s.pick_item(KNOWN["item_with_reward"])
        s.scan(KNOWN["red"], "GZ-2026-003")
        s.shot("03-red-list-hit")
        s.record()
        s.scan(KNOWN["clear"][0], "GZ-2026-004")
        s.shot("04-clear")
        s.record()
        s.tab(s.window.history_view)
        s.window.history_view.select_record(1)
        s.shot("06-history")
        s.tab(s.window.stats_view)
        s.shot("07-statistics")
        # A 容缺受理 commitment due in three days: the 待办 tab (Alt+5) lists it.
        from datetime import datetime, timedelta

        from desktop.site.clock import CHINA_TZ

        s.tab(s.window.check_page)
        s.pick_item(KNOWN["item_with_tolerance"])
        s.scan(KNOWN["unit_rep_wages"], "GZ-2026-009")
        s.commit_tolerance((datetime.now(CHINA_TZ).date() + timedelta(days=3)).isoformat(),
                           "CN-2026-0150", "施工图审查合格书、安全措施资料")
        s.record()
        s.tab(s.window.due_view)
        s.shot("13-due")
        s.tab(s.window.watch_view)
        s.shot("14-watch")
        s.dialog_shot("15-settings", "Ctrl+,", "settingsDialog")
        s.close()

        # The largest font the settings offer, at the same 1366x768: every hit whole, the page
        # scrolls to the measures and the decision instead of squeezing them.
        from desktop.ui import style

        user_settings.update(font_size=max(style.FONT_SIZES))
        s = Session(args.out, scratch / "demo")
        s.pick_item(KNOWN["item_with_measures"])
        s.scan(KNOWN["black_and_focus"], "GZ-2026-005")
        s.shot("11-largest-font-hits")
        s.scroll_to(s.page.recordPanel.recordButton)
        s.shot("12-largest-font-measures")
        # Dialogs size to their text at the largest font, within the 1366x768 screen.
        s.dialog_shot("16-largest-font-settings", "Ctrl+,", "settingsDialog")
        s.dialog_shot("17-largest-font-about", "F1", "aboutDialog")
        s.close()
        user_settings.update(font_size=style.DEFAULT_FONT_SIZE)

        user_settings.update(language="en")  # the clerk's choice, read when the app starts
        s = Session(args.out, scratch / "demo")
        s.pick_item(KNOWN["item_with_measures"])
        s.scan(KNOWN["black"], "GZ-2026-006")
        s.shot("08-english-black-list-hit")
        s.tab(s.window.history_view)
        s.shot("09-english-history")
        s.close()

        # A production deployment (its own trust root) whose snapshot was never installed,
        # offline only: nothing can vouch for the check.
        root = production_root(scratch / "publisher").as_posix()
        s = Session(args.out, scratch / "empty",
                    f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\ntrust_root = "{root}"\n'
                    + os_operators())
        s.page.itemSelector.setEditText(KNOWN["item_with_measures"])
        s.scan(KNOWN["clear"][0], "GZ-2026-007")
        s.shot("05-unverified")
        s.close()

        # The same kind of deployment with a platform that does not answer and a snapshot three
        # days old: the check falls back to the snapshot, and the banner says both.
        publisher = scratch / "publisher"
        manifest = stale_snapshot(scratch / "stick", publisher / "publisher.key")
        unreachable_platform_secret()
        s = Session(args.out, scratch / "stale",
                    '[platform]\nbase_url = "http://127.0.0.1:9"\napp_key = "hall-screenshot"\n'
                    'deadline_seconds = 1.0\n\n[site]\nhall = "440106-01"\nwindow = "12"\n\n'
                    f'[snapshot]\ntrust_root = "{root}"\n' + os_operators(), install=manifest)
        s.pick_item(KNOWN["item_with_measures"])
        s.scan(KNOWN["focus"], "GZ-2026-008")
        s.shot("10-offline-stale")
        s.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
