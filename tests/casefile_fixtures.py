"""Check results built straight from the domain dataclasses, for the case file tests and bench;
and the read-only folders and full disks the durability tests write into.

Read-only folders and full disks are made real where the tests run as root (a read-only bind
mount, a small tmpfs: how CI runs); otherwise by file modes and SQLite's page limit."""
from __future__ import annotations

import contextlib
import gc
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from desktop.casefile.record import feedback_message
from desktop.casefile.store import Decision, Desk
from desktop.check.model import CheckResult, CodeKind, Item, Source, Status, Subject
from offline_cache.records import Hit, Measure

ORG_CODE = "91440300MA5FXXXX1X"
PERSON_CODE = "440301199001011234"
ITEM = Item(item_code="440106-XK-001", name="食品经营许可", department="区市场监督管理局")
DESK = Desk(operator="op-0117", hall="440106-01", window="12")

BLACK_HIT = Hit(entry_id="E-1001", list_code="L-SX", list_name="失信被执行人名单", severity="black",
                authority="广州市中级人民法院", listed_on="2025-03-01", expires_on=None,
                basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》", state="active")
FOCUS_HIT = Hit(entry_id="E-2002", list_code="L-ZD", list_name="重点关注对象名单", severity="focus",
                authority="区市场监督管理局", listed_on="2026-01-15", expires_on="2027-01-15",
                basis="《市场监督管理严重违法失信名单管理办法》", state="active")
RED_HIT = Hit(entry_id="E-3003", list_code="L-NS", list_name="A级纳税人名单", severity="red",
              authority="国家税务总局广州市税务局", listed_on="2026-04-01", expires_on=None,
              basis="《纳税信用管理办法》", state="active")
M_LIMIT = Measure(measure_id="M-01", list_code="L-SX", nature="punish", category="限制",
                  content="限制其取得食品经营许可", basis="发改财金〔2016〕141号", mandatory=True,
                  target="any", effect="refuse", basis_level="central_policy")
M_REVIEW = Measure(measure_id="M-02", list_code="L-ZD", nature="punish", category="审查",
                   content="列为重点审查对象，加强现场核查", basis="国办发〔2020〕49号", mandatory=False,
                   target="any", effect="restrict", basis_level="central_policy")
M_GREEN = Measure(measure_id="M-03", list_code="L-NS", nature="reward", category="便利",
                  content="绿色通道，容缺受理", basis="发改财金〔2016〕1467号", mandatory=False,
                  target="org", effect="reward", basis_level="memorandum")


def result(*, code=ORG_CODE, kind=CodeKind.ORG, status=Status.CLEAR, source=Source.PLATFORM,
           hits=(), measures=(), checked_at="2026-11-03T02:15:00+00:00", demo=False,
           name="广州市示例餐饮管理有限公司", reason="") -> CheckResult:
    return CheckResult(code=code, kind=kind, status=status, source=source, checked_at=checked_at,
                       item=ITEM, subject=Subject(code=code, name=name, kind=str(kind)),
                       hits=tuple(hits), measures=tuple(measures),
                       data_as_of="2026-11-03T00:00:00+08:00",
                       snapshot_version=42 if source == Source.OFFLINE else None, demo=demo,
                       reason=reason, request_id="req-1" if source == Source.PLATFORM else None)


def black_result(**kw) -> CheckResult:
    return result(status=Status.HIT, hits=(BLACK_HIT,), measures=(M_LIMIT,), **kw)


def approve(case_no="BJ-2026-0001", **kw) -> Decision:
    return Decision(case_no=case_no, outcome=kw.pop("outcome", "approved"), **kw)


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def unmount(folder: Path) -> None:
    # A command run in this process may leave files in the folder open until the cycle collector
    # frees what it used (the offline snapshot's reader); a real process would have exited.
    gc.collect()
    subprocess.run(["umount", str(folder)], check=True)


@contextlib.contextmanager
def read_only(folder: Path):
    if IS_ROOT:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
            yield
        finally:
            unmount(folder)
    else:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


@contextlib.contextmanager
def small_disk(folder: Path, how: str):
    """A 2 MB file system (needs root to mount), or SQLite's page limit as the same ceiling."""
    folder.mkdir()
    if how == "tmpfs":
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True)
        try:
            yield None
        finally:
            unmount(folder)
    else:
        yield 64  # pages of 4 KiB


def body_as_asdict_gave(record) -> bytes:
    """A record's body as the code before 2 December serialised it (through dataclasses.asdict):
    what the faster sealing must still store, byte for byte, so that every hash stays comparable."""
    import dataclasses

    from desktop.casefile.record import canonical_json

    data = dataclasses.asdict(record)
    del data["hash"]
    for name in ("follow_up", "commitment", "via"):
        if data[name] is None:
            del data[name]
    if not data["related"]:
        del data["related"]
    return canonical_json(data)


def queued_feedback(path: Path) -> list[dict]:
    """The feedback the outbox sends for each queued record of the case file at ``path``, in
    record order, built as the sender builds it."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [json.loads(feedback_message(body, hash_)) for body, hash_ in conn.execute(
            "SELECT CAST(r.body AS BLOB), r.hash FROM outbox o JOIN records r "
            "ON r.record_id = o.record_id ORDER BY o.record_id")]
