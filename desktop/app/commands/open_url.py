"""`credit-desk open-url URL`: what the OS runs for a creditdesk:// link from the approval system.

The link is checked here first (a refused link opens nothing and exits 2 with the reason); then
the running window takes it, or a new window opens with the case filled."""
from __future__ import annotations

import argparse
import sys

from desktop.check.request import RequestRefused, parse_link


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open-url", help="打开审批系统的 creditdesk:// 链接：窗口填入事项和办件编号")
    p.add_argument("url", help="creditdesk://check?item=事项编码&case=办件编号[&code=统一社会信用代码]")
    p.set_defaults(func=open_url)


def open_url(args: argparse.Namespace) -> int:
    try:
        parse_link(args.url)
    except RequestRefused as exc:
        print(f"已拒绝：{exc.message}", file=sys.stderr)
        return exc.exit_code
    from desktop.ui.app import run_window

    return run_window(operator=args.operator, link=args.url)
