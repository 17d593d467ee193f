"""Tickets of the local API: a check the hall's approval system asked for, waiting for the clerk.

The approval system gets a ticket at once; the clerk sees the check in the window, reviews and
records it as any other; recording a check of the same case, item and code answers the ticket
with the record. Nothing here records anything: only the clerk does.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.casefile.record import CaseRecord
from desktop.check.request import CheckRequest
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

# A window serves one applicant at a time; a long queue means a script gone wrong.
MAX_OPEN = 8
# An open ticket nobody recorded within a working day is stale: the approval system asks again.
OPEN_FOR_SECONDS = 10 * 3600
KEEP_ANSWERED = 200


class TicketRefused(UserError):
    """HTTP status and reason for the approval system."""

    def __init__(self, status: int, message: Message):
        super().__init__(message)
        self.status = status


@dataclass
class Ticket:
    ticket_id: str
    request: CheckRequest
    created: float
    record: dict | None = None
    sheet: str | None = None
    state: str = "pending"      # pending → recorded, or expired
    answered: threading.Event = field(default_factory=threading.Event, repr=False)

    def answer(self) -> dict:
        out = {"ticket": self.ticket_id, "state": self.state, "case_no": self.request.case_no,
               "item": self.request.item}
        if self.record is not None:
            out["record"] = self.record
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


def record_answer(record: CaseRecord) -> dict:
    """What the approval system holds of a recorded check: enough to file it, and the hash that
    ties it to the desk's chain (`cases verify`)."""
    return {
        "record_no": record.record_id, "record_hash": record.hash, "status": record.status,
        "source": record.source, "data_as_of": record.data_as_of,
        "snapshot_version": record.snapshot_version, "checked_at": record.checked_at,
        "subject_code": record.masked_code, "subject_name": record.subject_name,
        "hits": [{"entry_id": h.entry_id, "list_code": h.list_code, "list_name": h.list_name,
                  "severity": h.severity, "state": h.state,
                  "effective_state": record.entry_state(h)} for h in record.hits],
        "subject_known": record.known,
        "measures_applied": list(record.measures_applied), "outcome": record.outcome,
        "note": record.note, "operator": record.operator, "demo": record.demo,
    }


class TicketBoard:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._lock = threading.Lock()
        self._tickets: dict[str, Ticket] = {}
        self._clock = clock

    def submit(self, request: CheckRequest) -> Ticket:
        with self._lock:
            self._expire()
            open_ = [t for t in self._tickets.values() if t.state == "pending"]
            if any(t.request.case_no == request.case_no for t in open_):
                raise TicketRefused(409, Message(QT_TRANSLATE_NOOP(
                    "core", "办件 {case} 已有一张待窗口人员记录的核查单，请勿重复提交。"),
                    {"case": request.case_no}))
            if len(open_) >= MAX_OPEN:
                raise TicketRefused(429, Message(QT_TRANSLATE_NOOP(
                    "core", "窗口已有 {n} 张待记录的核查单，请等窗口人员处理后再提交。"), {"n": str(MAX_OPEN)}))
            ticket = Ticket(secrets.token_urlsafe(16), request, self._clock())
            self._tickets[ticket.ticket_id] = ticket
            return ticket

    def get(self, ticket_id: str) -> Ticket | None:
        with self._lock:
            self._expire()
            return self._tickets.get(ticket_id)

    def pending(self) -> list[Ticket]:
        with self._lock:
            self._expire()
            return [t for t in self._tickets.values() if t.state == "pending"]

    def answer(self, record: CaseRecord, sheet: str | None = None) -> Ticket | None:
        """The open ticket this recorded check answers (same case, item and code), answered."""
        with self._lock:
            for ticket in self._tickets.values():
                r = ticket.request
                if (ticket.state == "pending" and record.kind == "check"
                        and r.case_no == record.case_no and r.item == record.item_code
                        and r.code == record.subject_code):
                    ticket.record, ticket.sheet, ticket.state = record_answer(record), sheet, "recorded"
                    ticket.answered.set()
                    return ticket
        return None

    def _expire(self) -> None:
        now = self._clock()
        for ticket in self._tickets.values():
            if ticket.state == "pending" and now - ticket.created > OPEN_FOR_SECONDS:
                ticket.state = "expired"
                ticket.answered.set()
        answered = [t for t in self._tickets.values() if t.state != "pending"]
        for ticket in answered[:-KEEP_ANSWERED]:
            del self._tickets[ticket.ticket_id]
