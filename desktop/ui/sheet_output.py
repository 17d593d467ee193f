"""Where a record sheet goes once it is written: the PDF in the sheets folder is always the archive
copy; then the default printer through Qt's print dialog when the desk has one, else the system's
PDF viewer. When no viewer opens, the clerk is told where the sheet is and offered its folder,
never left with a path that flashed by in the status bar."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desktop.casefile.record import CaseRecord
from desktop.ui.jobs import JobRunner


def tr(text: str) -> str:
    return QCoreApplication.translate("SheetOutput", text)


def default_printer() -> QPrinter | None:
    """A printer for the desk's default print queue, or None when the system has none."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def deliver(parent: QWidget, jobs: JobRunner, record: CaseRecord, path: Path, say) -> None:
    """``path``: the sheet just written. ``say(text)``: the view's status line."""
    printer = default_printer()
    if printer is None:
        show(parent, path, say)
        return
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(tr("打印记录单"))

    def accepted() -> None:
        say(tr("正在打印记录单…（存档 PDF：%1）").replace("%1", str(path)))
        jobs.submit(print_record, record, printer,
                    on_done=lambda _none: say(tr("记录单已发送到打印机 %1。存档 PDF：%2")
                                              .replace("%1", printer.printerName() or "-")
                                              .replace("%2", str(path))),
                    on_error=lambda exc: offer_folder(
                        parent, path, tr("记录单未能打印（%1）。").replace("%1", type(exc).__name__)))
    dialog.accepted.connect(accepted)
    QDialog.open(dialog)  # window-modal, no nested loop (QPrintDialog.open wants a receiver)


def print_record(record: CaseRecord, printer: QPrinter) -> None:
    """The same document the PDF holds, laid out for the printer (on a worker thread, as the PDF)."""
    from PySide6.QtGui import QTextDocument

    from desktop.casefile.sheet import sheet_font, sheet_html

    doc = QTextDocument()
    doc.setDefaultFont(sheet_font())
    doc.setDocumentMargin(0)
    doc.setHtml(sheet_html(record))
    doc.print_(printer)


def show(parent: QWidget, path: Path, say) -> None:
    """Open the sheet in the system viewer, or say where it is when nothing opens it."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        say(tr("记录单已打开，可在阅读器中打印。存档 PDF：%1").replace("%1", str(path)))
        return
    offer_folder(parent, path, tr("本机没有能打开 PDF 的程序，记录单未能打开。"))


def offer_folder(parent: QWidget, path: Path, why: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("记录单"),
                      why + "\n\n" + tr("记录单已保存在：\n%1").replace("%1", str(path)),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("sheetNotOpened")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the path holds the case number, typed or sent
    folder = box.addButton(tr("打开所在文件夹(&F)"), QMessageBox.ButtonRole.AcceptRole)
    folder.setObjectName("openFolderButton")
    close = box.addButton(tr("关闭"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(folder)
    box.setEscapeButton(close)

    def answered(button) -> None:
        if button is folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))
        box.deleteLater()
    box.buttonClicked.connect(answered)
    box.open()
    return box
