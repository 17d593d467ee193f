"""`credit-desk`: the window with no arguments, subcommands for scripts, installers and tests.

Exit codes are a contract (DESIGN.md): 0 ok, 2 invalid input, 3 unverified / no valid snapshot,
4 snapshot refused, 5 platform unreachable, 6 case file tampered, 7 record not durable."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from desktop import __version__
from desktop.site import log as applog
from desktop.site.messages import UserError

log = logging.getLogger(__name__)
# Not one of the contract's codes: a failure nobody foresaw (the log has the details).
EXIT_UNEXPECTED = 1


def build_parser() -> argparse.ArgumentParser:
    from desktop.app.commands import cache, cases, check, items, open_url, outbox, secrets

    parser = argparse.ArgumentParser(prog="credit-desk", description="信用核查窗口端 Credit Desk")
    parser.add_argument("--version", action="version", version=f"credit-desk {__version__}")
    parser.add_argument("--operator", help="操作员工号（默认：上次登录的工号）")
    parser.add_argument("--self-test", action="store_true",
                        help="无界面自检：依赖、Qt 平台插件、资源、信任根、演示核查")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (check, items, cache, cases, open_url, outbox, secrets):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Windows consoles and redirected pipes may not default to UTF-8; the output is Chinese.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    unreadable = _unreadable_argument(args)
    if unreadable is not None:
        # Bytes that are not text in the locale's encoding arrive as lone surrogates; nothing
        # can store or print them, so refuse them here rather than deep in a record.
        print(f"错误：参数 {unreadable} 含有无法识别的字符（不是有效的文本）。请检查输入后重试。",
              file=sys.stderr)
        return 2
    what = "self-test" if args.self_test else (args.command or "window")
    if not args.self_test:  # the self-test writes nothing into the clerk's data, logs included
        applog.setup()
    log.info("credit-desk %s %s", __version__, what)
    try:
        if args.self_test:
            from desktop.app.selftest import run

            return run()
        if args.command is None:
            from desktop.ui.app import run_window

            return run_window(operator=args.operator)
        return args.func(args)
    except UserError as exc:
        log.warning("%s: exit %d: %s", what, exc.exit_code, exc.message)
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `credit-desk cases list | head`: the reader left; no traceback, and none at exit either
        # (the recipe in Python's signal documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - logged in full before the log closes, one line shown
        print(applog.mask_identity_numbers(applog.unexpected(exc)), file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        applog.close()


def _unreadable_argument(args: argparse.Namespace) -> str | None:
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return name if name in ("code", "name", "path") else "--" + name.replace("_", "-")
    return None


if __name__ == "__main__":
    sys.exit(main())
