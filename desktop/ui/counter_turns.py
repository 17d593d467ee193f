"""Whose turn it is on the check page. The clerk may be asked a question (an unrecorded result
would be dropped), a record may be on its way to the disk, a check or the purpose dialog may be
open; what arrives meanwhile, a scan, Esc, F6 or a link from the approval system, waits its turn
or is asked about, and runs once the page is free. Nothing moves the form on under the clerk
(break attempts 18 and 19). Mixed into CheckPage, whose widgets and flows it uses; start with
``busy`` and ``when_free``."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.ui.dialogs.unrecorded_prompt import UnrecordedPrompt


class CounterTurns:
    def _init_turns(self) -> None:
        self._prompt: QMessageBox | None = None
        self._held: list[tuple] = []  # requests that came while the clerk was being asked
        # A scan or Esc while a record is being written: run once the write has ended (see
        # _after_write); links from the approval system while the clerk is busy (see when_free).
        self._after_write: Callable[[], None] | None = None
        self._when_free: list[Callable[[], None]] = []
        self._purpose: QDialog | None = None  # the purpose dialog, while it is open

    def ask_discard(self, proceed, question: str) -> None:
        """Ask before an unrecorded result is dropped; ``proceed()`` runs only on "discard"."""
        if self._prompt is not None:
            # A link from the approval system or a close while the clerk is being asked: not
            # dropped, but asked (or simply run, if the answer dropped the result) next.
            self._held = [h for h in self._held if h[1] != question] + [(proceed, question)]
            return

        def discard() -> None:
            self._prompt = None
            # The note and pledge typed for the dropped result are not the next applicant's.
            self.recordPanel.clear_inputs()
            proceed()
            self._ask_held()

        def keep() -> None:
            self._prompt = None
            self.wants_front.emit()  # "back to recording" from another tab, or on quit
            self.recordPanel.recordButton.setFocus()
            self._ask_held()
        self._prompt = UnrecordedPrompt(self, question, discard, keep)
        self._prompt.open()

    def _ask_held(self) -> None:
        held, self._held = self._held, []
        for proceed, question in held:
            if self.has_unrecorded_result or self._prompt is not None:
                self.ask_discard(proceed, question)
            else:
                proceed()
        self._maybe_free()

    def after_write_ends(self, action: Callable[[], None]) -> bool:
        """While a record is being written, a scan or Esc waits for the write (True: held; the
        newest request wins, as a second scan replaces the first). Run at once, it moved the
        form on before the write ended: a durable write then left the last applicant's case
        number and note for the next one, and a failed one dropped the check unasked (break
        attempt 18). Ended, the write has cleared the form or left the result to record again,
        and the request is answered as usual."""
        if self.recordPanel.record_job is None:
            return False
        self._after_write = action
        return True

    def holds(self, action: Callable[[], None]) -> bool:
        """``action`` is the request waiting for the write now running."""
        return self._after_write is not None and self._after_write == action

    def _write_ended(self) -> None:
        action, self._after_write = self._after_write, None
        if action is not None:
            action()
        self._maybe_free()

    @property
    def busy(self) -> bool:
        """The clerk is in the middle of something a link must not cut into: a record being
        written, a check on its way, or a question (unrecorded result, purpose) open."""
        return (self.recordPanel.record_job is not None or self.checks.busy
                or self._prompt is not None or self._purpose is not None)

    def when_free(self, action: Callable[[], None]) -> bool:
        """For the approval system: True when ``action`` was held because the page is
        ``busy``; it runs once that has ended. A link taken at once set its item and case number
        under an open purpose dialog, and the walk-in person was then checked and recorded under
        the link's case (break attempt 18)."""
        if not self.busy:
            return False
        if action not in self._when_free:
            self._when_free.append(action)
        return True

    def _maybe_free(self, *_args) -> None:
        """Connected after what frees the page: a result is shown, a question answered, a
        write's own outcome on the form, before a held link is taken."""
        if not self._when_free or self.busy:
            return
        waiting, self._when_free = self._when_free, []
        for index, action in enumerate(waiting):
            if self.busy:  # the first one started a check or asked: the rest wait again
                self._when_free = waiting[index:] + self._when_free
                return
            action()

    def purpose_opened(self, dialog: QDialog) -> None:
        """The purpose dialog of a scan or of F6: the page is busy until it closes."""
        self._purpose = dialog
        dialog.finished.connect(self._purpose_closed)

    def _purpose_closed(self, _code: int) -> None:
        self._purpose = None
        self._maybe_free()
