"""The history tab's question to the case file, without Qt: a day range, a conclusion, a whole
code (the case file's index finds it) or any other text typed (matched here, against what the
clerk sees, so a masked identity number cannot be probed digit by digit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from desktop.casefile.record import CHINA_TZ, CaseRecord


@dataclass(frozen=True)
class HistoryFilter:
    since: date
    until: date
    status: str | None = None
    code: str | None = None   # a whole code: the case file's own index finds it
    text: str | None = None   # anything else typed: case number, part of a code, a name

    def query(self, case_file, shown: int) -> list[CaseRecord]:
        """Newest first, at most ``shown`` + 1 records: the one more tells that the range was
        cut. A typed text is matched here, not in SQL: it must look at every record in the
        range, or a case number older than the newest ``shown`` would read as "0 records"."""
        records = case_file.query(since=self.since, until=self.until, status=self.status,
                                  code=self.code, newest_first=True,
                                  limit=None if self.text else shown + 1)
        if self.text:
            records = [r for r in records if matches(r, self.text)][:shown + 1]
        return records


def matches(record: CaseRecord, typed: str) -> bool:
    """Whether the typed text is part of the record's case number, item, subject name or code. A
    person's identity number is matched as it is shown (masked), so a search cannot probe the
    hidden digits."""
    typed = typed.strip().casefold()
    code = record.subject_code if record.subject_kind != "person" else record.masked_code
    return any(typed in (field or "").casefold() for field in (
        record.case_no, code, record.subject_name, record.item_name, record.item_code))


def china_today() -> date:
    return datetime.now(CHINA_TZ).date()
