"""Size hints for the page's panels without a layout pass at a width nobody uses."""
from __future__ import annotations

from PySide6.QtCore import QSize


class LayoutHint:
    """Mixin (listed before the Qt base) for a widget that wraps text and is laid out by its
    height for the width it is given (the check page in its scroll area, the result panel in
    the page). QWidget's size hint adds the height at the hint's own width: a layout of every
    wrapped line at a width the widget never has, after each result, for a number the page
    does not use. This hint is the layout's, without that height."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.layout().sizeHint().grownBy(self.contentsMargins())
