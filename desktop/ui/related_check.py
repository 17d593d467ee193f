"""F6 on the check page: one of a unit's people (法定代表人、主要负责人) checked on their own, by the
reference the unit's result gave (Checker.check_related). No source hands out a person's whole
number and the clerk needs none: the person is named by role, name and masked number, asked
about with the purpose every lookup of a person needs, and the answer replaces the unit's
result like any scan (an unrecorded unit result is guarded by the usual question)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt

from desktop.check.model import ROLE_LABELS, PersonRef
from desktop.ui import i18n


def request(page) -> None:
    """F6: the person selected in the related table (the legal representative unless another row
    is selected)."""
    person = page.resultPanel.selected_related()
    if page.result is None or person is None:
        return
    if page.after_write_ends(lambda: request(page)):
        return  # like a scan: the unit's record first (break attempt 19)
    ref = PersonRef.of(page.result.code, person)
    if page.has_unrecorded_result:
        page.ask_discard(lambda: start(page, ref), QCoreApplication.translate(
            "RelatedCheck", "上一次核查结果尚未记档。放弃它并核查%1 %2（%3）吗？")
            .replace("%1", i18n.translate("core", ROLE_LABELS[person.role]))
            .replace("%2", person.name).replace("%3", person.code_masked))
        return
    start(page, ref)


def start(page, person: PersonRef, purpose: str | None = None) -> None:
    """Check ``person`` once the clerk has said why (the purpose dialog, as for any person)."""
    if purpose is None:
        from desktop.ui.dialogs.purpose_dialog import PurposeDialog

        dialog = PurposeDialog(person.code_masked, page.request_purpose, page)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.given.connect(lambda given: start(page, person, given))
        dialog.rejected.connect(page.purpose_refused)
        page.purpose_opened(dialog)  # a link waits while it is open
        dialog.open()
        return
    page.codeInput.clear()  # the field holds no number of this person: none was given
    page.checks.start_related(person, page.item_code(), purpose)
    page.recordPanel.let_go()  # the old result cannot be recorded from here on (check_flow)
    page.focus_code()
