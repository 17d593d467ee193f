"""Settings: what the clerk may change on this machine (font size, sounds, language), next to the
deployment settings IT fixed in the config file, shown read-only so the clerk can read them out on
the phone but never change them here."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.site import paths
from desktop.ui import i18n, style
from desktop.ui.dialogs import user_settings
from desktop.ui.i18n import Retranslatable
from desktop.ui.scanner import ScanDetector
from desktop.ui.widgets.fit_dialog import FitsText, WholeScrollArea


DEPLOYMENT_ROWS = 11  # config file, platform (address, key, deadline), hall, window, trust root,
#                       age limits (warn, max), update source, data folder


class SettingsDialog(FitsText, Retranslatable, QDialog):
    applied = Signal(dict)  # the stored settings, after they took effect
    scanned = Signal(str)   # a code scanned into the dialog: for the check, not the settings

    def __init__(self, ctx, runner, parent=None, saved: dict | None = None):
        """``saved``: the stored settings as the window read them (off the GUI thread); read
        here only when the dialog is used on its own."""
        super().__init__(parent, objectName="settingsDialog")
        self.ctx = ctx
        self.runner = runner
        saved = user_settings.load() if saved is None else saved
        self.clerk_box = QGroupBox()
        self.font_size = QSpinBox(objectName="fontSizeInput")
        self.font_size.setRange(style.FONT_SIZES.start, style.FONT_SIZES.stop - 1)
        self.font_size.setValue(style.clamp_font_size(saved.get("font_size", style.DEFAULT_FONT_SIZE)))
        self.sounds = QCheckBox(objectName="soundsInput")
        self.sounds.setChecked(bool(saved.get("sounds", False)))
        self.language = QComboBox(objectName="languageInput")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.normalise(saved.get("language"))))
        self.clerk_labels = [QLabel(textFormat=Qt.TextFormat.PlainText) for _ in range(3)]
        clerk = QFormLayout(self.clerk_box)
        for label, field in zip(self.clerk_labels, (self.font_size, self.sounds, self.language)):
            label.setBuddy(field)
            clerk.addRow(label, field)

        self.deploy_box = QGroupBox()
        self.deploy_form = QFormLayout(self.deploy_box)
        self.deploy_labels: list[QLabel] = []
        self.deploy_fields: list[QLineEdit] = []
        for _ in range(DEPLOYMENT_ROWS):
            label, field = QLabel(textFormat=Qt.TextFormat.PlainText), QLineEdit()
            field.setReadOnly(True)
            field.setObjectName("deploymentField")
            self.deploy_labels.append(label)
            self.deploy_fields.append(field)
            self.deploy_form.addRow(label, field)
        self.deploy_note = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.deploy_form.addRow(self.deploy_note)

        self.error = QLabel(objectName="settingsError", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.error.setProperty("verdict", "refused")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        # At the largest font the deployment rows are taller than a 768-line screen: they
        # scroll, the buttons stay in view.
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.clerk_box)
        column.addWidget(self.deploy_box)
        self.scroll = WholeScrollArea(objectName="settingsScroll", widgetResizable=True)
        self.scroll.setFrameShape(WholeScrollArea.Shape.NoFrame)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()
        # A licence scanned for the next applicant while this is open: its digits went into the
        # font size (9) and its Enter saved it. The scan is the check's; nothing here is saved.
        scans = ScanDetector(self)
        scans.watch(self.font_size, self.sounds, self.language, self.scroll, *self.deploy_fields)
        scans.scanned.connect(self._scanned)

    def _scanned(self, text: str) -> None:
        self.reject()
        self.scanned.emit(text)

    def _deployment_values(self) -> list[str]:
        """The deployment as the clerk reads it out on the phone: values in the UI language
        where they are words, as written where they are addresses, paths or numbers."""
        cfg = self.ctx.config
        p, s = cfg.platform, cfg.snapshot
        none = self.tr("未配置")
        hours = lambda h: self.tr("不限") if h is None else f"{h:g}"  # noqa: E731
        source = (self.tr("信用平台") if s.update_source == "platform" else s.update_source)
        return [str(cfg.path) if cfg.path else self.tr("无（使用内置演示数据）"),
                p.base_url if p else self.tr("未配置（仅离线）"), p.app_key if p else none,
                f"{p.deadline_seconds:g}" if p else none, cfg.site.hall, cfg.site.window,
                str(cfg.trust_root), hours(s.warn_age_hours), hours(s.max_age_hours),
                source, str(paths.home())]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("设置"))
        self.clerk_box.setTitle(self.tr("本机设置（可修改）"))
        for label, text in zip(self.clerk_labels, (self.tr("字号(&Z)"), self.tr("提示音(&S)"),
                                                   self.tr("界面语言(&L)"))):
            label.setText(text)
        self.sounds.setText(self.tr("命中失信名单时播放提示音"))
        self.font_size.setAccessibleName(self.tr("字号"))
        self.sounds.setAccessibleName(self.tr("提示音"))
        self.language.setAccessibleName(self.tr("界面语言"))
        self.deploy_box.setTitle(self.tr("部署设置（只读，由信息技术人员配置）"))
        texts = (self.tr("配置文件"), self.tr("平台地址"), self.tr("应用标识"),
                 self.tr("核查时限（秒）"), self.tr("大厅"), self.tr("窗口"), self.tr("信任根"),
                 self.tr("数据较旧提示（小时）"), self.tr("最长可用（小时）"),
                 self.tr("离线数据更新来源"), self.tr("数据文件夹"))
        for label, field, text, value in zip(self.deploy_labels, self.deploy_fields, texts,
                                             self._deployment_values()):
            label.setText(text)
            field.setAccessibleName(text)
            field.setText(value)
        self.deploy_note.setText(self.tr("平台密钥保存在系统密钥库中，不在此显示。"))

    def choices(self) -> dict:
        return {"font_size": self.font_size.value(), "sounds": self.sounds.isChecked(),
                "language": self.language.currentData()}

    def _submit(self) -> None:
        self.buttons.setEnabled(False)
        self.runner.submit(user_settings.update, **self.choices(), on_done=self._stored,
                           on_error=self._failed, cancellable=False)

    def _stored(self, settings: dict) -> None:
        app = QApplication.instance()
        style.apply_font_size(app, settings["font_size"])
        if settings["language"] != i18n.current():
            i18n.install(settings["language"], app)
        self.applied.emit(settings)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(self.tr("无法保存设置：%1").replace("%1", str(exc)))
        self.error.show()
