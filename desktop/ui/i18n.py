"""The UI language: zh_CN by default (the source language of every string), English selectable.

English comes from ``resources/translations/credit_desk_en.qm`` (UI strings in their widget's
context, the core's ``Message`` templates in context "core"). Qt's own strings (standard buttons,
file dialogs) are English in Qt itself, so for zh_CN Qt's bundled ``qtbase_zh_CN.qm`` is loaded
instead. Switching at run time removes the old translators and installs the new ones; Qt then
sends every widget a LanguageChange event."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from desktop.site import paths
from desktop.site.messages import Message

DEFAULT_LANGUAGE = "zh_CN"
# Shown in each language's own name, so a clerk who cannot read the current one still finds hers.
LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}


class Retranslatable:
    """Mixin (listed before the Qt base) for widgets that set their texts in ``retranslate()``:
    a language switch at run time redraws them without losing what they show."""

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class _Translator(QTranslator):
    """Falls back to the empty context: lupdate files strings from an aliased ``tr = self.tr``
    under no context, while at run time they are looked up under the widget's class name."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D102 - Qt override
        found = super().translate(context, source, disambiguation, n)
        if not found and context:
            found = super().translate("", source, disambiguation, n)
        return found or None  # None is a null QString: "not here", so Qt keeps looking


_installed: list[QTranslator] = []
_current = DEFAULT_LANGUAGE


def translations_dir():
    return paths.resources() / "translations"


def normalise(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def install(language: str | None, app: QCoreApplication | None = None) -> str:
    """Make ``language`` the UI language; returns the language in force. An unknown language, or
    a missing translation file, leaves the source language (zh_CN) rather than a half-translated
    window."""
    global _current
    app = app or QCoreApplication.instance()
    language = normalise(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    if language != DEFAULT_LANGUAGE:
        ours = _Translator(app)
        if not ours.load(f"credit_desk_{language}", str(translations_dir())):
            language = DEFAULT_LANGUAGE
        else:
            app.installTranslator(ours)
            _installed.append(ours)
    QLocale.setDefault(QLocale(language))
    _current = language
    return language


def current() -> str:
    return _current


def translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def render(message: Message | str) -> str:
    """A core message in the UI language, its parameters filled in after translation."""
    if isinstance(message, Message):
        return message.render(translate)
    return translate("core", message) if message else ""
