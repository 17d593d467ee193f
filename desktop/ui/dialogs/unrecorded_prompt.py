"""The question asked before an unrecorded result is dropped (a new code, Esc, quit, a ticket)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class UnrecordedPrompt(QMessageBox):
    """Window-modal; ``discard()`` or ``keep()`` runs on the answer. Keeping is the default and
    the Esc answer: a stray Enter from the scanner must not drop the result."""

    def __init__(self, parent: QWidget, question: str, discard, keep):
        super().__init__(QMessageBox.Icon.Question, "", question,
                         QMessageBox.StandardButton.NoButton, parent)
        self.setWindowTitle(self.tr("尚未记档"))
        self.setObjectName("unrecordedPrompt")
        self.setAccessibleName(self.tr("尚未记档提示"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        discard_button = self.addButton(self.tr("放弃并继续(&Y)"), QMessageBox.ButtonRole.DestructiveRole)
        discard_button.setObjectName("discardButton")
        keep_button = self.addButton(self.tr("返回记档(&N)"), QMessageBox.ButtonRole.RejectRole)
        keep_button.setObjectName("keepButton")
        self.setDefaultButton(keep_button)
        self.setEscapeButton(keep_button)
        self.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_button) -> None:
            (discard if self.clickedButton() is discard_button else keep)()
            self.deleteLater()
        self.buttonClicked.connect(answered)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # QMessageBox presses a button on its bare mnemonic letter: a licence scanned again
        # while the question is up answered it, a "Y" in the code dropping the unrecorded result.
        # Only Alt+Y / Alt+N (shortcuts, not key presses), Enter and Esc answer.
        if event.text().isprintable() and event.text() and not event.modifiers() & (
                Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier):
            event.accept()
            return
        super().keyPressEvent(event)
