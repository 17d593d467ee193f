"""One turn of bench_casefile's append figures, in a process of its own, so that the code of
another commit (extracted by bench_casefile with ``git archive``) is measured exactly as this
one:

    python append_worker.py TREE VARIANT FILE APPENDS PAUSE_MS

imports the case file from TREE, opens FILE (kept between turns, so it grows as a desk's does),
appends five records unmeasured (a start's first append reads the witness back), then APPENDS
records of a black-listed check, idling PAUSE_MS before each, and prints the
wall time of each append in ms as JSON. VARIANT: ``as-is`` (the code of TREE as it ships),
``no-witness`` (this code with the witness taken out), ``sync-off`` (this code with SQLite's
synchronous=OFF: what the disk's flushes cost)."""
from __future__ import annotations

import json
import sys
import time

tree, variant, path, appends, pause = sys.argv[1:6]
sys.path[:0] = [tree, f"{tree}/tests"]

from casefile_fixtures import DESK, approve, black_result  # noqa: E402
from desktop.casefile.store import CaseFile  # noqa: E402


class _NoWitness:
    """The writer of a case file that keeps no witness."""

    def settle(self, others=False):
        pass

    def append(self, head):
        return None

    def close(self):
        pass


def main() -> None:
    case_file = CaseFile(path)
    if variant == "no-witness":
        case_file._writer.close()
        case_file._writer = _NoWitness()
        case_file._refuse_if_altered = lambda last: (True, 0)  # nor the witness read back
    elif variant == "sync-off":
        case_file.db.execute("PRAGMA synchronous=OFF")
    check = black_result()
    decision = approve(outcome="rejected", measures_applied=("M-01",))
    idle = float(pause) / 1000
    for _ in range(5):  # the first append of a process reads the witness back, as a start does
        case_file.record_check(check, decision, DESK)
    samples = []
    for _ in range(int(appends)):
        if idle:
            time.sleep(idle)
        start = time.perf_counter()
        case_file.record_check(check, decision, DESK)
        samples.append((time.perf_counter() - start) * 1000)
    case_file.close()
    print(json.dumps(samples))


main()
