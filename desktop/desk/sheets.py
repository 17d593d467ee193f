"""Where a record sheet is written: its file name (the case number and record id, never an
identity number) and the home's sheets folder, for the history tab and Ctrl+P alike."""
from __future__ import annotations

from pathlib import Path

from desktop.casefile.record import CaseRecord
from desktop.site import paths


def sheet_file_name(record: CaseRecord) -> str:
    """Identity numbers never reach a file name: the masked code cannot be used (asterisks), so
    names carry the case number and the record id only."""
    safe_case = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in record.case_no)
    return f"record-{record.record_id:08d}" + (f"-{safe_case}" if safe_case else "") + ".pdf"


def render_sheet_to(record: CaseRecord, path: Path) -> Path:
    from desktop.casefile.sheet import (
        render_sheet,  # imports QtGui's PDF writer: on demand
    )

    return render_sheet(record, path)


def render_to_sheets_folder(record: CaseRecord) -> Path:
    """Render into the home's sheets folder (found on the worker too: finding it may create it)."""
    return render_sheet_to(record, paths.home() / "sheets" / sheet_file_name(record))
