"""`offline-cache`: the publisher side — keys, roots, build, delta, sign, verify.

Exit codes: 0 done, 2 bad usage or input, 4 refused by verification."""
from __future__ import annotations

import argparse
import errno
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from offline_cache.build import build
from offline_cache.canonical import format_time
from offline_cache.delta import make_delta
from offline_cache.errors import BuildError, SnapshotRefused
from offline_cache.keys import generate_key, load_public, write_public
from offline_cache.manifest import sign_delta, sign_snapshot, verify
from offline_cache.root import make_root

EXIT_OK, EXIT_INPUT, EXIT_REFUSED = 0, 2, 4


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 as well; only the wording is ours
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _moment(text: str) -> datetime:
    """ISO 8601; a time without offset, or a bare date, is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是 ISO 8601 时间：{text}（例：2027-01-31T00:00:00+08:00）") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="offline-cache", description="离线快照发布工具：密钥、信任根、构建、增量、签署、校验")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("keygen", help="生成 Ed25519 发布密钥（私钥文件权限 0600，另写 .pub 公钥文件）")
    s.add_argument("--out", type=Path, required=True, metavar="KEY")

    s = sub.add_parser("root", help="生成并签署信任根")
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="PUB_OR_KEYFILE",
                   help="列入信任根的公钥（公钥文件或私钥文件）")
    s.add_argument("--threshold", type=_positive, required=True, metavar="N")
    s.add_argument("--sign-with", type=Path, nargs="+", required=True, metavar="KEY",
                   help="签名私钥；轮换时须含旧信任根门槛数量的旧密钥")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--version", type=_positive, default=1)
    s.add_argument("--name", default="")
    s.add_argument("--demo", action="store_true")
    s.add_argument("--expires", type=_moment, default=None, help="默认一年后")

    s = sub.add_parser("build", help="由源数据表（CSV/JSONL）构建快照数据文件")
    s.add_argument("sources", type=Path, metavar="SOURCES")
    s.add_argument("--out", type=Path, required=True, metavar="DATA.sqlite")

    s = sub.add_parser("delta", help="生成两个快照数据文件之间的增量")
    s.add_argument("old", type=Path, metavar="OLD")
    s.add_argument("new", type=Path, metavar="NEW")
    s.add_argument("--out", type=Path, required=True, metavar="DELTA")

    s = sub.add_parser("sign", help="签署快照数据文件或增量文件，写出清单")
    s.add_argument("data", type=Path, metavar="DATA")
    s.add_argument("--version", type=_positive, required=True, metavar="N")
    s.add_argument("--data-as-of", type=_moment, required=True, metavar="ISO")
    s.add_argument("--expires", type=_moment, required=True, metavar="ISO")
    s.add_argument("--region", required=True, metavar="R")
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="KEY")
    s.add_argument("--out", type=Path, required=True, metavar="MANIFEST")
    s.add_argument("--delta-base", type=_positive, default=None, metavar="N", help="签署增量：其基础版本")
    s.add_argument("--demo", action="store_true")

    s = sub.add_parser("verify", help="按信任根校验清单及其数据文件")
    s.add_argument("manifest", type=Path, metavar="MANIFEST")
    s.add_argument("--root", type=Path, required=True, metavar="ROOT")
    return p


def _progress(label: str):
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        print(f"\r{label} {pct:3d}%", end="", file=sys.stderr, flush=True)
    return show


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return _run(args)
    except SnapshotRefused as exc:
        print(f"已拒绝（{exc.reason}）：{exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except BuildError as exc:
        print(f"源数据有误：{exc.message}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"错误：{_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT


# The publisher runs this on a platform server's Chinese console: say the cause in Chinese, with
# the path, instead of Python's "[Errno 2] No such file or directory: ...".
_OS_CAUSES = {errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
              errno.EROFS: "所在位置只读", errno.ENOSPC: "磁盘已满", errno.EEXIST: "已存在",
              errno.EISDIR: "这是文件夹，不是文件", errno.ENOTDIR: "路径中有一段不是文件夹"}


def _os_error(exc: OSError) -> str:
    if exc.errno not in _OS_CAUSES:
        return str(exc)
    where = f"{exc.filename}：" if exc.filename else ""
    return f"{where}{_OS_CAUSES[exc.errno]}，请检查路径和权限后重试。"


def _run(args) -> int:
    if getattr(args, "out", None):
        args.out.parent.mkdir(parents=True, exist_ok=True)  # a new release goes to a new folder
    if args.command == "keygen":
        if args.out.exists():
            raise ValueError(f"{args.out} 已存在，不会覆盖已有密钥")
        keyid = generate_key(args.out)
        pub = args.out.with_name(args.out.name + ".pub")
        write_public(pub, load_public(args.out))
        print(f"密钥编号 {keyid}\n私钥 {args.out}\n公钥 {pub}")
    elif args.command == "root":
        expires = args.expires or datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=365)
        out = make_root(args.key, args.threshold, version=args.version, name=args.name, demo=args.demo,
                        expires=expires, sign_with=args.sign_with, out=args.out)
        print(f"信任根第 {args.version} 版：{len(args.key)} 把公钥，门槛 {args.threshold}，有效期至 "
              f"{format_time(expires)} → {out}")
    elif args.command == "build":
        report = build(args.sources, args.out, progress=_progress("构建"))
        counts = "，".join(f"{k} {v}" for k, v in report.counts.items())
        print(f"\n已构建 {report.path}（{report.size} 字节）：{counts}；"
              f"{report.rows_per_second:,.0f} 行/秒；数据摘要 {report.dataset_digest}")
    elif args.command == "delta":
        report = make_delta(args.old, args.new, args.out)
        print(f"已生成增量 {report.path}（{report.size} 字节）：更新或新增 {sum(report.upserts.values())} 行，"
              f"删除 {sum(report.deletes.values())} 行；目标数据摘要 {report.target_digest}")
    elif args.command == "sign":
        common = dict(version=args.version, data_as_of=args.data_as_of, expires=args.expires,
                      region=args.region, keys=args.key, out=args.out, demo=args.demo)
        if args.delta_base is not None:
            out = sign_delta(args.data, base_version=args.delta_base, **common)
        else:
            out = sign_snapshot(args.data, **common)
        print(f"已签署第 {args.version} 版{'增量' if args.delta_base else '快照'}清单 → {out}")
    elif args.command == "verify":
        # A missing root is a usage slip (exit 2); a missing manifest is refused like any other
        # snapshot that cannot be verified.
        if not args.root.is_file():
            raise ValueError(f"找不到信任根文件：{args.root}")
        m = verify(args.manifest, args.root)
        base = f"（基于第 {m.base_version} 版的增量）" if m.kind == "delta" else ""
        print(f"校验通过：第 {m.version} 版{base}，地区 {m.region}，数据截至 {format_time(m.data_as_of)}，"
              f"有效期至 {format_time(m.expires)}{'，演示数据' if m.demo else ''}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
