"""`credit-desk outbox status / flush`: the feedback waiting for upload, and uploading it now."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from desktop.desk.context import DeskContext
from desktop.platform.outbox import NoPlatform

EXIT_OK, EXIT_UNREACHABLE, EXIT_TAMPERED = 0, 5, 6


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outbox", help="待上报的奖惩实施情况反馈")
    cmds = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    st = cmds.add_parser("status", help="待上报与已上报的条数、上次失败原因、下次重试时间")
    st.add_argument("--json", action="store_true", help="输出 JSON")
    st.set_defaults(func=status)
    cmds.add_parser("flush", help="立即上报全部待上报反馈").set_defaults(func=flush)


def _when(moment: float | None) -> str:
    return datetime.fromtimestamp(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def status(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    s = ctx.outbox.status()
    if args.json:
        print(json.dumps({"pending": s.pending, "delivered": s.delivered, "oldest_pending": s.oldest_pending,
                          "refused": s.refused, "retry_at": s.retry_at, "last_error": s.last_error,
                          "chain_conflicts": list(s.conflicts), "altered": list(s.altered)},
                         ensure_ascii=False))
        return EXIT_OK
    print(f"待上报：{s.pending} 条" + (f"（最早记于 {s.oldest_pending}）" if s.oldest_pending else ""))
    print(f"已上报：{s.delivered} 条")
    if s.refused:
        print(f"其中 {s.refused} 条被平台拒收，仍保留待查，请联系信息技术人员。")
    if s.conflicts:
        print("篡改警报：平台发现记录 " + "、".join(map(str, s.conflicts)) + " 与本机此前上报的档案链冲突"
              "（409），这些反馈不再自动重发。请联系信息技术人员核查（credit-desk cases verify）。")
    if s.altered:
        print(_altered(s.altered))
    if ctx.platform is None:
        print("本机未配置省平台（仅离线），反馈保存在本机，配置平台后上报。")
    elif s.retry_at:
        print(f"上次失败：{s.last_error}；下次自动重试：{_when(s.retry_at)}")
    return EXIT_OK


def flush(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    try:
        report = ctx.outbox.flush(force=True)
    except NoPlatform:
        print("本机未配置省平台（仅离线），无法上报；反馈保存在本机，配置 [platform] 后再上报。", file=sys.stderr)
        return EXIT_UNREACHABLE
    line = f"已上报 {report.delivered} 条"
    if report.conflicts:
        print("篡改警报：平台拒收记录 " + "、".join(map(str, report.conflicts)) + "（409，与此前上报的"
              "档案链冲突）。请联系信息技术人员核查。", file=sys.stderr)
    if report.altered:
        print(_altered(report.altered), file=sys.stderr)
    if report.already:
        line += f"（其中 {report.already} 条平台此前已收到）"
    print(line + f"，仍待上报 {report.pending} 条。")
    if report.conflicts or report.altered:
        return EXIT_TAMPERED
    if report.reason is not None:
        print(f"上报中断：{report.reason}。下次自动重试：{_when(report.retry_at)}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def _altered(records) -> str:
    return ("篡改警报：记录 " + "、".join(map(str, records)) + " 已不是写入时的内容（与其哈希不符或已不在"
            "案卷中），其反馈不上报。请联系信息技术人员核查（credit-desk cases verify）或从备份恢复。")
