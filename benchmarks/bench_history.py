"""History and statistics tabs on a busy case file: how long the GUI thread is busy showing a
day's records, next to the case-file read that runs on a worker (the baseline, same run).

    .venv/bin/python benchmarks/bench_history.py [--scale 1.0] [--repeat 5]

--scale 1.0 is 5,000 checks on one day (the history tab's row cap); the figures are medians over
--repeat runs. What matters for the clerk is "GUI thread" (the window cannot react meanwhile);
"worker" never blocks the window.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 5,000 checks in one day")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    count = max(1, int(5000 * args.scale))
    scratch = Path(tempfile.mkdtemp(prefix="bench-history-"))
    (scratch / "config.toml").write_text("", encoding="utf-8")
    os.environ.update(CREDIT_DESK_HOME=str(scratch / "home"),
                      CREDIT_DESK_CONFIG=str(scratch / "config.toml"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from casefile_fixtures import DESK, approve, black_result, result
    from PySide6.QtWidgets import QApplication

    from desktop.casefile import stats
    from desktop.desk.context import DeskContext
    from desktop.ui.history_view import HistoryView
    from desktop.ui.jobs import JobRunner
    from desktop.ui.stats_view import StatsView

    ctx = DeskContext.from_environment()
    cf = ctx.case_file
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    started = time.perf_counter()
    for n in range(count):
        check = black_result(checked_at=now) if n % 5 == 0 else result(checked_at=now)
        cf.record_check(check, approve(f"B-{n}", measures_applied=("M-01",) if n % 5 == 0 else ()),
                        DESK)
    print(f"case file: {count} checks written in {time.perf_counter() - started:.1f} s")

    app = QApplication.instance() or QApplication([])
    runner = JobRunner()
    history = HistoryView(ctx, runner)
    history.resize(1366, 700)
    history.show()
    month_view = StatsView(ctx, runner)
    month_view.resize(1366, 700)
    month_view.show()
    runner.wait(60_000)
    app.processEvents()
    wanted = history.current_filter()
    month = month_view.month()

    read, show, month_read, month_show = [], [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        records = wanted.query(cf)
        read.append(time.perf_counter() - t)
        t = time.perf_counter()
        history._loaded(records)
        app.processEvents()  # layout and paint of the visible rows
        show.append(time.perf_counter() - t)
        t = time.perf_counter()
        figures = stats.monthly(cf, month)
        month_read.append(time.perf_counter() - t)
        t = time.perf_counter()
        month_view._loaded(figures)
        app.processEvents()
        month_show.append(time.perf_counter() - t)
    runner.shutdown()
    cf.close()

    def ms(values):
        return statistics.median(values) * 1000

    print(f"history ({len(records)} rows): worker read {ms(read):.0f} ms (baseline), "
          f"GUI thread {ms(show):.0f} ms, ratio {ms(show) / ms(read):.2f}")
    print(f"statistics ({figures.checks} checks): worker {ms(month_read):.0f} ms (baseline), "
          f"GUI thread {ms(month_show):.0f} ms, ratio {ms(month_show) / ms(month_read):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
