"""`credit-desk secrets set NAME`: the platform app secret into the OS keyring, from standard input
(never a command-line argument: those end up in shell history and process lists)."""
from __future__ import annotations

import argparse
import getpass
import sys

from desktop.platform import secrets


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("secrets", help="平台密钥（保存在系统密钥库中）")
    cmds = p.add_subparsers(dest="secrets_command", metavar="ACTION", required=True)
    s = cmds.add_parser("set", help="从标准输入读取密钥，存入系统密钥库")
    s.add_argument("name", help="平台应用编号（配置项 platform.app_key）")
    s.set_defaults(func=set_)


def set_(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        value = getpass.getpass(f"请输入 {args.name} 的平台密钥（不回显）：")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    secrets.set_secret(args.name, value)
    print(f"已将 {args.name} 的平台密钥存入系统密钥库。")
    return 0
