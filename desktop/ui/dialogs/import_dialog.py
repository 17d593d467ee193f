"""Import a signed snapshot or delta from a USB stick or a hall file share: pick the repository
folder (or a file in its metadata/ folder), watch the verification progress, cancel if needed, and
read the verdict. The store runs TUF's client workflow and checks each file's length and hash
before it swaps anything in; a refused or cancelled import leaves the installed data as it was, and
the verdict says so."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.check.model import fmt_time
from desktop.offline import refusal
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_dialog import PATH_SHARE, FitsText, room, show_whole
from offline_cache.errors import SnapshotRefused
from offline_cache.store import InstalledSnapshot


@dataclass(frozen=True)
class ImportOutcome:
    before: int | None                    # installed version before the import
    snapshot: InstalledSnapshot | None = None
    refused: SnapshotRefused | None = None


def install_snapshot(store, path: Path, stop: threading.Event, *, progress=None,
                     cancel: threading.Event | None = None) -> ImportOutcome:
    """Verify and install; a refusal is an outcome to show, not an error. ``stop`` is the
    dialog's cancel button, ``cancel`` the window closing."""
    before = store.current(verify=False)

    def cancelled() -> bool:
        return stop.is_set() or (cancel is not None and cancel.is_set())

    try:
        snap = store.install(Path(path), progress=progress, cancel=cancelled)
    except SnapshotRefused as exc:
        return ImportOutcome(before.version if before else None, refused=exc)
    return ImportOutcome(before.version if before else None, snapshot=snap)


class SnapshotImportDialog(FitsText, Retranslatable, QDialog):
    finished_import = Signal(object)  # ImportOutcome

    def __init__(self, store, runner, parent=None):
        super().__init__(parent, objectName="snapshotImportDialog")
        self.store = store
        self.runner = runner
        self._stop: threading.Event | None = None
        self.outcome: ImportOutcome | None = None
        self.intro = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.path = QLineEdit(objectName="importPath", clearButtonEnabled=True)
        self.path.textChanged.connect(self._update_buttons)
        self.browse_folder = QPushButton(objectName="importBrowseFolder")
        self.browse_folder.clicked.connect(self._pick_folder)
        self.browse_file = QPushButton(objectName="importBrowseFile")
        self.browse_file.clicked.connect(self._pick_file)
        # Enter verifies: the browse buttons never take it, the path field hands it to start().
        for button in (self.browse_folder, self.browse_file):
            button.setAutoDefault(False)
        self.path.returnPressed.connect(self.start)
        self.progress = QProgressBar(objectName="importProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.verdict = QLabel(objectName="importVerdict", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.start_button = QPushButton(objectName="importStartButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(objectName="importCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        pick = QHBoxLayout()
        pick.addWidget(self.path, 1)
        pick.addWidget(self.browse_folder)
        pick.addWidget(self.browse_file)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(pick)
        layout.addWidget(self.progress)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        # From the path straight to the verdict's button: no three Tabs through the browsers.
        QWidget.setTabOrder(self.path, self.start_button)
        QWidget.setTabOrder(self.start_button, self.browse_folder)
        self.resize(620, 240)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("导入离线数据"))
        self.intro.setText(self.tr(
            "选择U盘或共享文件夹中省平台发布的快照文件夹（含 metadata 与 targets），或其 metadata 中的 .json 文件。"
            "导入前会校验签名、版本、有效期和数据完整性；校验不通过时本机数据保持不变。"))
        self.path.setPlaceholderText(self.tr("快照文件夹或其元数据文件"))
        self.path.setAccessibleName(self.tr("快照位置"))
        self.browse_folder.setText(self.tr("选择文件夹…"))
        self.browse_file.setText(self.tr("选择元数据文件…"))
        self.start_button.setText(self.tr("校验并导入(&V)"))
        self.start_button.setToolTip(self.tr("回车或 Alt+V"))
        self.cancel_button.setText(self.tr("取消导入"))
        self.progress.setAccessibleName(self.tr("校验进度"))
        self.verdict.setAccessibleName(self.tr("校验结论"))
        if self.outcome is not None:
            self._show_outcome(self.outcome)

    @property
    def running(self) -> bool:
        return self._stop is not None

    def _update_buttons(self) -> None:
        # The field grows with the path (a USB stick's folder is often deep), up to the screen.
        show_whole(self.path, int(room(self).width() * PATH_SHARE))
        self.start_button.setEnabled(not self.running and bool(self.path.text().strip()))
        self.cancel_button.setEnabled(self.running)
        for w in (self.path, self.browse_folder, self.browse_file):
            w.setEnabled(not self.running)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择快照所在文件夹"),
                                                  self.path.text())
        if folder:
            self.path.setText(folder)

    def _pick_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择快照元数据"), self.path.text(),
                                              self.tr("快照元数据 (*.json)"))
        if name:
            self.path.setText(name)

    def start(self) -> None:
        text = self.path.text().strip()
        if self.running or not text:
            return
        self.outcome = None
        self._stop = threading.Event()
        self.progress.setValue(0)
        self._say(self.tr("正在校验…"), "pending")
        self._update_buttons()
        self.runner.submit(install_snapshot, self.store, Path(text), self._stop,
                           on_progress=self._progressed, on_done=self._done,
                           on_error=self._failed)

    def cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._say(self.tr("正在取消…"), "pending")

    def reject(self) -> None:
        # Closing the dialog stops the verification; the verdict still arrives and nothing is
        # left half installed either way.
        self.cancel()
        super().reject()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(100 * done // total if total else 100)

    def _done(self, outcome: ImportOutcome) -> None:
        self._stop = None
        self.outcome = outcome
        self._update_buttons()
        self._show_outcome(outcome)
        self.finished_import.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._stop = None
        self._update_buttons()
        self._say(self.tr("导入失败：%1。本机离线数据保持不变。").replace("%1", str(exc)), "refused")

    def _show_outcome(self, o: ImportOutcome) -> None:
        if o.refused is not None:
            if o.refused.reason == "cancelled":
                self._say(self.tr("已取消导入，本机离线数据保持不变。"), "refused")
            else:
                self._say(self.tr("已拒绝：%1\n本机离线数据保持不变。").replace("%1", i18n.render(refusal.explain(o.refused))),
                          "refused")
            return
        snap = o.snapshot
        self.progress.setValue(100)
        if o.before == snap.version:
            text = self.tr("校验通过：本机已是第 %1 版，无需导入。").replace("%1", str(snap.version))
        else:
            text = (self.tr("校验通过，已导入离线数据第 %1 版，数据截至 %2。")
                    .replace("%1", str(snap.version)).replace("%2", fmt_time(snap.data_as_of)))
        self._say(text, "ok")

    def _say(self, text: str, verdict: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("verdict", verdict)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        # Grow to the verdict's lines, so none hides behind the buttons.
        self.fit_to_text()
