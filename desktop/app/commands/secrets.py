"""`credit-desk secrets set NAME`: the platform app secret into the OS keyring, from standard input
(never a command-line argument: those end up in shell history and process lists)."""
from __future__ import annotations

import argparse
import getpass
import sys

from desktop.platform import secrets
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

# A platform secret is tens of characters; a file piped in by mistake must not be read whole.
MAX_SECRET_BYTES = 4096


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
        value = _first_line_of_stdin()
    secrets.set_secret(args.name, value)
    print(f"已将 {args.name} 的平台密钥存入系统密钥库。")
    return 0


def _first_line_of_stdin() -> str:
    line = sys.stdin.buffer.readline(MAX_SECRET_BYTES + 1)
    if len(line) > MAX_SECRET_BYTES:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "标准输入第 1 行超过 {limit} 字节，不像是平台密钥。请只提供密钥本身。"),
            {"limit": MAX_SECRET_BYTES}))
    try:
        return line.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "标准输入第 1 行不是有效的 UTF-8 文本。请以 UTF-8 保存密钥文件后重试。"))) from None
