"""Figures of the frozen build, each against the same thing run from source in the same run:

    .venv/bin/python build_scripts/measure_frozen.py [--runs 5] [--idle 5] [--exe PATH]

- bundle size unpacked and .deb size;
- cold start to ready window: the self-test's window probe alone (CREDIT_DESK_SELFTEST_ONLY=
  window), seconds from process start (bootloader included) until the check page can take a
  scan, offscreen; median of --runs;
- with --cold, the same after dropping the kernel's page cache (root): the first start of the day;
- full `--self-test` wall time, median of --runs;
- peak memory (max RSS) of the idle window: `credit-desk` opened offscreen on the demo data,
  left idle --idle seconds, then ended; RSS from the kernel's rusage of the child.
Each run gets an empty home, so every start is a clerk's first (demo snapshot installed)."""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
READY = re.compile(r"进程启动后 ([0-9.]+) s")


def clerk_env(home: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "CREDIT_DESK_CONFIG")}
    env.update(CREDIT_DESK_HOME=home, QT_QPA_PLATFORM="offscreen", CREDIT_DESK_OPERATOR="bench",
               CREDIT_DESK_MAXIMISED="0", **extra)
    return env


def drop_caches() -> None:
    """A truly cold start: the kernel's page cache emptied first (Linux, root only)."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def window_ready(cmd: list[str], cold: bool = False) -> float:
    if cold:
        drop_caches()
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(cmd + ["--self-test"], env=clerk_env(home, CREDIT_DESK_SELFTEST_ONLY="window"),
                             capture_output=True, text=True, encoding="utf-8", check=True).stdout
    match = READY.search(out)
    if not match:
        raise SystemExit(f"窗口未就绪：\n{out}")
    return float(match.group(1))


def self_test_time(cmd: list[str]) -> float:
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        subprocess.run(cmd + ["--self-test"], env=clerk_env(home), capture_output=True)
        return time.perf_counter() - started


def idle_window_rss_mb(cmd: list[str], idle: float) -> float:
    with tempfile.TemporaryDirectory() as home:
        proc = subprocess.Popen(cmd, env=clerk_env(home), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(idle)
        if proc.poll() is not None:
            raise SystemExit(f"窗口在 {idle} 秒内退出了（退出码 {proc.returncode}）")
        proc.send_signal(signal.SIGTERM)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped above
        return usage.ru_maxrss / 1024  # Linux reports KiB


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds the idle window stays open")
    parser.add_argument("--cold", action="store_true",
                        help="also time starts with the page cache dropped before each (Linux, root)")
    parser.add_argument("--exe", type=Path, default=REPO / "dist" / "credit-desk" / "credit-desk")
    args = parser.parse_args()
    if not args.exe.is_file():
        raise SystemExit(f"没有冻结程序 {args.exe}：请先运行 build_scripts/build.py。")
    variants = {"frozen": [str(args.exe)], "source": [sys.executable, "-m", "desktop"]}

    print(f"bundle unpacked: {folder_mb(args.exe.parent):.1f} MB  ({args.exe.parent})")
    for deb in sorted((REPO / "dist").glob("credit-desk_*.deb")):
        print(f".deb: {deb.stat().st_size / 2**20:.1f} MB  ({deb.name})")
    figures = {}
    for name, cmd in variants.items():
        window_ready(cmd)  # first start of each variant warms the OS file cache for the rest
        figures[name] = {
            "ready": statistics.median(window_ready(cmd) for _ in range(args.runs)),
            "selftest": statistics.median(self_test_time(cmd) for _ in range(args.runs)),
            **({"cold": statistics.median(window_ready(cmd, cold=True) for _ in range(args.runs))}
               if args.cold else {}),
            "rss": statistics.median(idle_window_rss_mb(cmd, args.idle) for _ in range(max(1, args.runs // 2))),
        }
    rows = (("start to ready window (s)", "ready", "{:.2f}"),
            *((("  same, page cache dropped", "cold", "{:.2f}"),) if args.cold else ()),
            ("--self-test wall time (s)", "selftest", "{:.2f}"),
            ("idle window max RSS (MB)", "rss", "{:.0f}"))
    print(f"{'median of ' + str(args.runs):<28}{'frozen':>10}{'source':>10}{'frozen/source':>15}")
    for label, key, fmt in rows:
        f, s = figures["frozen"][key], figures["source"][key]
        print(f"{label:<28}{fmt.format(f):>10}{fmt.format(s):>10}{f / s:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
