"""`credit-desk cache status / import / update`: the installed offline snapshot."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from desktop.check.model import fmt_time
from desktop.check.sources import OfflineUnavailable
from desktop.desk.context import DeskContext
from desktop.offline import updater
from desktop.site import clock
from offline_cache.errors import SnapshotRefused
from offline_cache.store import is_root_file

EXIT_OK, EXIT_REFUSED = 0, 4


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cache", help="离线数据（快照）")
    cmds = p.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cmds.add_parser("status", help="已安装快照的版本、数据日期、有效期、信任根").set_defaults(func=status)
    imp = cmds.add_parser("import", help="校验并安装快照或增量文件（U盘），或新版信任根")
    imp.add_argument("path", type=Path, help="快照文件夹（含 metadata 与 targets）、存放多个快照文件夹的文件夹，或新版信任根文件")
    imp.set_defaults(func=import_)
    cmds.add_parser("update", help="从省平台（或配置的更新文件夹）获取最新快照或增量").set_defaults(func=update)


def status(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    try:
        root = ctx.offline.store.root()
    except SnapshotRefused as exc:
        print(f"信任根：不可用。{exc.message}  {ctx.config.trust_root}")
        return 3
    print(f"信任根：{root.name or '-'} 第 {root.version} 版，{root.threshold} 个 root 签名生效"
          + ("（演示）" if root.demo else "") + f"  {ctx.config.trust_root}")
    try:
        snap = ctx.offline.snapshot()
    except OfflineUnavailable as exc:
        print(f"离线数据：不可用。{exc.reason}")
        return 3
    now = datetime.now(timezone.utc)
    age = clock.age((now - snap.data_as_of).total_seconds() / 3600)
    kind = {"full": "完整快照", "delta": "增量"}.get(snap.kind, snap.kind)
    print(f"离线数据：第 {snap.version} 版（{kind}），地区 {snap.region}"
          + ("  【演示数据 / DEMO DATA】" if snap.demo else ""))
    print(f"数据截至：{fmt_time(snap.data_as_of)}（{age}）"
          + ("，数据已较旧" if ctx.offline.is_stale(snap, now) else ""))
    print(f"有效期至：{fmt_time(snap.expires)}")
    print(f"文件：{snap.data_path}")
    return 0


def import_(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    store = ctx.offline.store
    try:
        if args.path.is_file() and is_root_file(args.path):
            root = store.install_root(args.path)
            print(f"已启用信任根第 {root.version} 版：{len(root.keyids)} 把公钥，{root.threshold} 个签名生效，"
                  f"有效期至 {fmt_time(root.expires)}。")
            _after_rotation(store)
            return 0
        before = _installed_or_none(store)
        snap = store.install(args.path, progress=_progress_printer())
    except SnapshotRefused as exc:
        print(f"\n已拒绝{_role(exc)}：{exc.message}", file=sys.stderr)
        print("已安装的离线数据和信任根保持不变。", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        # Reading the stick or writing the store failed (stick pulled, disk full, no rights):
        # nothing was swapped in, so say so instead of a traceback.
        print(f"\n未能安装：读写文件失败（{exc.strerror or exc}：{exc.filename or args.path}）。"
              "请检查U盘是否插好、本机磁盘空间和文件夹权限，然后重新导入。", file=sys.stderr)
        print("已安装的离线数据和信任根保持不变。", file=sys.stderr)
        return EXIT_REFUSED
    if before is not None and before.version == snap.version and before.data_path == snap.data_path:
        print(f"\n已是第 {snap.version} 版，无需安装。")
    else:
        print(f"\n已安装离线数据第 {snap.version} 版，数据截至 {fmt_time(snap.data_as_of)}。")
        _watch(ctx, before.version if before else None, snap)
    return 0


def _after_rotation(store) -> None:
    """A new root may drop the key that signed the installed snapshot: say so now, not at the
    counter."""
    installed = _installed_or_none(store)
    if installed is None:
        return
    try:
        store.current(verify=True)
    except SnapshotRefused as exc:
        print(f"注意：本机已安装的离线数据第 {installed.version} 版在新信任根下无法验证（{exc.message}）。"
              "在导入按新信任根签署的快照之前，离线核查一律显示“未核实”：请重新导入快照"
              "（U盘或 credit-desk cache update）。")
        return
    print(f"本机已安装的离线数据第 {installed.version} 版在新信任根下验证通过，仍可使用。")


def _watch(ctx, before: int | None, snap) -> None:
    """The post-approval watch on the new data (desktop.desk.watch): say what it raised."""
    from desktop.desk import watch

    run = watch.after_install(ctx, before, snap)
    if run is not None and run.raised:
        print(f"跟踪提醒：新增 {len(run.raised)} 条（已办结的核查因新数据需复核），"
              "请运行 credit-desk cases watch 查看。")
    if run is not None and run.cleared:
        print(f"跟踪提醒：{run.cleared} 条已被新数据取代（新数据不再显示该变化），不再待处理；"
              "原因见 credit-desk cases watch --all。")


def _role(exc: SnapshotRefused) -> str:
    return f"（{exc.role}：{exc.reason}）" if exc.role else f"（{exc.reason}）"


def _installed_or_none(store):
    """What is installed, for the closing line; a damaged store is what the import repairs."""
    try:
        return store.current(verify=False)
    except SnapshotRefused:
        return None


def _progress_printer():
    """A terminal progress line; quiet when not a terminal so scripts get clean output."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        print(f"\r校验中 {pct:3d}%", end="", file=sys.stderr, flush=True)
    return show


def update(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    installed = _installed_or_none(ctx.offline.store)
    installed = installed.version if installed else None
    try:
        result = updater.update(ctx, progress=_terminal_progress())
    except (updater.UpdateRefused, updater.UpdateUnreachable) as exc:
        print(f"\n{'已拒绝' if exc.exit_code == EXIT_REFUSED else '更新失败'}：{exc.message}", file=sys.stderr)
        return exc.exit_code
    snap = result.snapshot
    if not result.updated:
        print(f"已是最新：第 {snap.version} 版，数据截至 {fmt_time(snap.data_as_of)}。")
        return EXIT_OK
    how = "增量" if result.kind == "delta" else "完整快照"
    extra = "（增量无法应用，已改用完整快照）" if result.fell_back_to_full else ""
    print(f"\n已更新到第 {snap.version} 版（{how}，下载 {result.downloaded} 字节）{extra}，"
          f"数据截至 {fmt_time(snap.data_as_of)}。")
    _watch(ctx, installed, snap)
    return EXIT_OK


def _terminal_progress() -> updater.Progress | None:
    if not sys.stderr.isatty():
        return None
    words = {"download": "下载", "verify": "校验"}

    def show(stage: str, done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        print(f"\r{words.get(stage, stage)} {pct:3d}%", end="", file=sys.stderr, flush=True)
    return show
