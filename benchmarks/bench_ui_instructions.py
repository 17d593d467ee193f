"""The window's work per scan counted in instructions, not milliseconds: a figure that does not
move with the machine's load, for comparing two versions of the window on a shared machine.

    .venv/bin/python benchmarks/bench_ui_instructions.py --checks 48

Runs itself under valgrind's callgrind (``apt-get install valgrind``; about two minutes for 48
scans) and counts the instructions the GUI thread executes while ``bench_ui.scan_times`` scans
the offline pool (typing the code, Enter, the result rendered as ``RenderClock`` defines it);
the baseline in the same run is the GUI thread doing the bare ``checker.check()`` for the same
codes. Reported per scan, with the ratio. Under valgrind everything runs some fifty times slower,
so the "checking" notice (shown after 80 ms) and the code field's blinking cursor are switched off
here: each would add paints a real scan does not have. Compare versions by running this file from
each checkout in turn (``cd OTHER && python THIS_FILE``): it measures the tree it sits in."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = "CREDIT_DESK_BENCH_UNDER_CALLGRIND"


def gui_thread_instructions(dump: Path) -> int:
    """Instructions counted in one callgrind dump of one thread."""
    if not dump.exists():
        raise SystemExit(f"callgrind wrote no {dump.name}: run with valgrind 3.16 or later")
    found = re.search(r"^totals:\s+(\d+)", dump.read_text(errors="replace"), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no instruction total in {dump}")
    return int(found.group(1))


def child(args) -> None:
    sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]
    import bench_ui

    import desktop.ui.check_flow as check_flow
    from desktop.desk.context import DeskContext
    from desktop.ui.app import create_app

    check_flow.CHECKING_SHOWN_AFTER_MS = 600_000
    create_app().setCursorFlashTime(0)
    ctx = DeskContext.from_environment("bench")
    window = bench_ui.open_window(ctx)
    codes = bench_ui.codes_for(args.checks)
    bench_ui.scan_times(window, codes[:24])  # every cache and pool thread warm
    control = shutil.which("callgrind_control")
    pid = str(os.getpid())

    def run(*words: str) -> None:
        subprocess.run([control, *words, pid], check=True, capture_output=True)

    run("-z")
    run("-i", "on")
    bench_ui.scan_times(window, codes)
    run("-i", "off")
    run("-d", "ui")
    bench_ui.core_times(ctx, codes[:8], "CZ-001")  # the GUI thread's own connection warm
    run("-z")
    run("-i", "on")
    bench_ui.core_times(ctx, codes, "CZ-001")
    run("-i", "off")
    run("-d", "core")
    window.jobs.shutdown(10_000)
    os._exit(0)  # the window's teardown is not measured, and valgrind need not trace it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=48, help="scans of the offline pool")
    args = parser.parse_args()
    if os.environ.get(CHILD):
        child(args)
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind not found: apt-get install -y valgrind")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "demo.toml").write_text("", encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONMALLOC="malloc",
                   CREDIT_DESK_HOME=str(tmp / "home"), CREDIT_DESK_CONFIG=str(tmp / "demo.toml"))
        env[CHILD] = "1"
        out = tmp / "callgrind.out"
        proc = subprocess.run([valgrind, "--tool=callgrind", "--instr-atstart=no",
                               "--separate-threads=yes", f"--callgrind-out-file={out}",
                               sys.executable, str(Path(__file__).resolve()),
                               "--checks", str(args.checks)],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(proc.stderr[-2000:])
        # Dumps in order: 1 the scans, 2 the baseline; "-01" is the main (GUI) thread's part.
        ui = gui_thread_instructions(Path(f"{out}.1-01"))
        core = gui_thread_instructions(Path(f"{out}.2-01"))
    n = args.checks
    print(f"GUI-thread instructions per scan, {n} scans of the offline pool (callgrind)")
    print(f"  scan: typing, Enter → rendered result   {ui / n / 1e6:8.2f} M")
    print(f"  baseline: checker.check() on the GUI thread {core / n / 1e6:8.2f} M   "
          f"(window ×{ui / core:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
