"""The approval-item selector: an editable list searched by name or code.

A clerk types part of an item's name or its code and presses Enter: one match is enough to pick
it, popup open or not. An item's whole name or code names it whatever the case, and in the
full-width forms a Chinese input method types (ｃｚ－００１), Enter or not. What was typed still
counts as an item code when no catalogue is installed (the platform then judges the code)."""
from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from desktop.ui.widgets.plain_text import tooltip
from offline_cache.records import Item

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class ItemSelector(QComboBox):
    picked = Signal(int)  # an entry chosen by Enter on typed text (``activated`` covers the rest)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("itemSelector")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(18)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        for watched in (self, self.lineEdit(), completer.popup()):
            watched.installEventFilter(self)

    def fill(self, items: list[Item], remembered: str | None) -> None:
        """The catalogue, with the clerk's last item selected again (typed back if not listed)."""
        self.clear()
        for item in items:
            self.addItem(f"{item.name}（{item.item_code}）", item.item_code)
            self.setItemData(self.count() - 1, item.name, NAME_ROLE)
            self.setItemData(self.count() - 1, tooltip(item.department),
                             Qt.ItemDataRole.ToolTipRole)
        index = self.findData(remembered) if remembered else -1
        if index >= 0:
            self.setCurrentIndex(index)
        elif remembered:
            self.setEditText(remembered)
        else:
            self.setCurrentIndex(-1)

    def select_code(self, item_code: str) -> bool:
        """Select ``item_code``; False when the catalogue does not list it. Without a catalogue
        the code is typed in: the platform judges it."""
        index = self.findData(item_code)
        if index < 0 and self.count():
            return False
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(item_code)
        return True

    def item_code(self) -> str | None:
        """The selected item's code; a typed code counts when no catalogue can offer it."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == text:
            return self.itemData(index)
        found = self._named(_folded(text))
        if found >= 0:
            return self.itemData(found)
        return unicodedata.normalize("NFKC", text) or None

    def match_item(self, typed: str) -> int:
        """The entry ``typed`` names: its code, name or full label, else the only entry whose
        label contains it; -1 when none or several do."""
        typed = _folded(typed)
        if not typed:
            return -1
        named = self._named(typed)
        if named >= 0:
            return named
        containing = [index for index in range(self.count())
                      if typed in _folded(self.itemText(index))]
        return containing[0] if len(containing) == 1 else -1

    def _named(self, folded: str) -> int:
        """The entry whose code, name or label is ``folded`` (a name may sit inside a longer
        one: 食品经营许可 in 食品经营许可（变更）), else -1."""
        for index in range(self.count()):
            names = (self.itemText(index), self.itemData(index), self.itemData(index, NAME_ROLE))
            if folded and folded in {_folded(str(n)) for n in names if n}:
                return index
        return -1

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            popup = self.completer().popup()
            if watched is popup and popup.currentIndex().isValid():
                return False  # an entry chosen with the arrows: the completer takes it
            index = self.match_item(self.lineEdit().text())
            if index >= 0:
                popup.hide()
                self.setCurrentIndex(index)
                self.picked.emit(index)
                return True
        return super().eventFilter(watched, event)
