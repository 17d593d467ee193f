"""`credit-desk items`: the approval items the installed snapshot knows."""
from __future__ import annotations

import argparse
import json
import sys

from desktop.check.sources import OfflineUnavailable
from desktop.desk.context import DeskContext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("items", help="列出办事事项")
    p.add_argument("--search", help="按编码、名称或部门筛选")
    p.add_argument("--json", action="store_true", help="输出 JSON（每行一个）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    try:
        items = ctx.offline.items(args.search)
    except OfflineUnavailable as exc:
        # stderr: a script reading --json lines must not take the reason for an item.
        print(f"错误：没有可用的事项目录。{exc.reason}", file=sys.stderr)
        return 3
    for item in items:
        if args.json:
            print(json.dumps(item.to_json(), ensure_ascii=False))
        else:
            print(f"{item.item_code}\t{item.name}\t{item.department}")
    if not items and not args.json:
        print("没有符合条件的事项。")
    return 0
