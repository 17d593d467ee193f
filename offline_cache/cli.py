"""`offline-cache`: the publisher side — keys, a TUF repository, build, delta, publish, verify.

Exit codes: 0 done, 2 bad usage or input, 4 refused by verification."""
from __future__ import annotations

import argparse
import errno
import sys
from datetime import datetime, timezone
from pathlib import Path

from offline_cache import legacy, trust
from offline_cache.build import bucket_path, build, ensure_buckets
from offline_cache.delta import make_delta
from offline_cache.errors import BuildError, SnapshotRefused
from offline_cache.repository import ROLES, Repository, RoleKeys, generate_key, load_public, load_signer, pub_path

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
    p = _Parser(prog="offline-cache", description="离线快照发布工具（TUF）：密钥、发布仓库、构建、增量、发布、校验")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("keygen", help="生成 Ed25519 角色密钥（私钥 PEM 权限 0600，另写 .pub 公钥文件）")
    s.add_argument("--out", type=Path, required=True, metavar="KEY")

    s = sub.add_parser("init", help="新建发布仓库：签署第 1 版信任根（root）与空的 targets/snapshot/timestamp")
    s.add_argument("repo", type=Path, metavar="REPO")
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="KEY",
                   help="root 与 targets 角色的密钥（私钥文件；须能签名）")
    s.add_argument("--threshold", type=_positive, default=1, metavar="N", help="root 与 targets 的签名门槛")
    s.add_argument("--online-key", type=Path, nargs="+", default=None, metavar="KEY",
                   help="snapshot 与 timestamp 角色的密钥（默认同 --key）")
    s.add_argument("--name", default="")
    s.add_argument("--demo", action="store_true", help="演示信任根：用它的桌面处于演示模式")
    s.add_argument("--root-expires", type=_moment, default=None, help="默认一年后")

    s = sub.add_parser("build", help="由源数据表（CSV/JSONL）构建快照数据文件及其分组表（.buckets）")
    s.add_argument("sources", type=Path, metavar="SOURCES")
    s.add_argument("--out", type=Path, required=True, metavar="DATA.sqlite")
    s.add_argument("--buckets", type=_positive, default=None, metavar="N", help="沿用上一版的分组数（增量需要）")

    s = sub.add_parser("delta", help="生成两个快照数据文件之间的增量")
    s.add_argument("old", type=Path, metavar="OLD")
    s.add_argument("new", type=Path, metavar="NEW")
    s.add_argument("--out", type=Path, required=True, metavar="DELTA")

    s = sub.add_parser("publish", help="把数据文件（及增量）发布为仓库的新版本，签署 targets、snapshot、timestamp")
    s.add_argument("repo", type=Path, metavar="REPO")
    s.add_argument("data", type=Path, metavar="DATA")
    s.add_argument("--version", type=_positive, required=True, metavar="N")
    s.add_argument("--data-as-of", type=_moment, required=True, metavar="ISO")
    s.add_argument("--region", required=True, metavar="R")
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="KEY", help="targets 角色的签名密钥")
    s.add_argument("--online-key", type=Path, nargs="+", default=None, metavar="KEY",
                   help="snapshot 与 timestamp 角色的签名密钥（默认同 --key）")
    s.add_argument("--delta", nargs="+", default=[], metavar="BASE=FILE", help="从旧版本到本版本的增量文件")
    s.add_argument("--demo", action="store_true")
    for role in ("targets", "snapshot", "timestamp"):
        s.add_argument(f"--{role}-expires", type=_moment, default=None, metavar="ISO",
                       help=f"{role} 元数据的有效期（默认 {'7' if role == 'timestamp' else '30'} 天）")

    s = sub.add_parser("timestamp", help="重签时间戳（timestamp），延长有效期")
    s.add_argument("repo", type=Path, metavar="REPO")
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="KEY")
    s.add_argument("--expires", type=_moment, default=None, metavar="ISO")

    s = sub.add_parser("rotate", help="轮换角色密钥：签署下一版信任根（须含旧信任根门槛数量的旧密钥和新门槛数量的新密钥）")
    s.add_argument("repo", type=Path, metavar="REPO")
    s.add_argument("--role", choices=ROLES, nargs="+", default=["root", "targets"])
    s.add_argument("--key", type=Path, nargs="+", required=True, metavar="PUB_OR_KEY", help="所轮换角色的新公钥")
    s.add_argument("--threshold", type=_positive, required=True, metavar="N")
    s.add_argument("--sign-with", type=Path, nargs="+", required=True, metavar="KEY")
    s.add_argument("--expires", type=_moment, default=None, metavar="ISO")

    s = sub.add_parser("transition", help="用旧格式信任根的密钥签署迁移：旧版桌面据此接受本仓库的第 1 版信任根")
    s.add_argument("repo", type=Path, metavar="REPO")
    s.add_argument("--legacy-key", type=Path, nargs="+", required=True, metavar="OLD_KEY",
                   help="旧格式的发布密钥文件（门槛数量）")

    s = sub.add_parser("verify", help="按信任根对仓库走一遍 TUF 客户端校验流程，并校验数据文件")
    s.add_argument("repo", type=Path, metavar="REPO")
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


def _signers(paths: list[Path]):
    return [load_signer(p) for p in paths]


def _run(args) -> int:
    if getattr(args, "out", None):
        args.out.parent.mkdir(parents=True, exist_ok=True)  # a new release goes to a new folder
    if args.command == "keygen":
        if args.out.exists():
            raise ValueError(f"{args.out} 已存在，不会覆盖已有密钥")
        keyid = generate_key(args.out)
        print(f"密钥编号 {keyid}\n私钥 {args.out}\n公钥 {pub_path(args.out)}")
    elif args.command == "init":
        main_keys = RoleKeys(tuple(load_public(p) for p in args.key), args.threshold)
        online = RoleKeys(tuple(load_public(p) for p in args.online_key), 1) if args.online_key else main_keys
        signers = _signers(args.key + (args.online_key or []))
        repo = Repository.create(args.repo, {"root": main_keys, "targets": main_keys, "snapshot": online,
                                             "timestamp": online}, signers, name=args.name, demo=args.demo,
                                 expires={"root": args.root_expires} if args.root_expires else None)
        root = repo.root.signed
        print(f"已新建发布仓库 {args.repo}：信任根第 1 版，{len(args.key)} 把密钥，门槛 {args.threshold}，"
              f"有效期至 {root.expires.isoformat()} → {repo.metadata / '1.root.json'}")
    elif args.command == "build":
        report = build(args.sources, args.out, progress=_progress("构建"), buckets=args.buckets)
        counts = "，".join(f"{k} {v}" for k, v in report.counts.items())
        print(f"\n已构建 {report.path}（{report.size} 字节）：{counts}；"
              f"{report.rows_per_second:,.0f} 行/秒；{report.buckets} 个分组，分组表 {bucket_path(report.path)}"
              f"（SHA-256 {report.table_sha256}）")
    elif args.command == "delta":
        report = make_delta(args.old, args.new, args.out)
        print(f"已生成增量 {report.path}（{report.size} 字节）：更新或新增 {sum(report.upserts.values())} 行，"
              f"删除 {sum(report.deletes.values())} 行，涉及 {report.buckets_touched} 个分组")
    elif args.command == "publish":
        deltas = {}
        for spec in args.delta:
            base, _, file = spec.partition("=")
            if not base.isdigit() or not file:
                raise ValueError(f"--delta 应为 基础版本=增量文件：{spec}")
            deltas[int(base)] = Path(file)
        buckets = ensure_buckets(args.data)
        online = _signers(args.online_key) if args.online_key else _signers(args.key)
        expires = {r: getattr(args, f"{r}_expires") for r in ("targets", "snapshot", "timestamp")
                   if getattr(args, f"{r}_expires")}
        Repository(args.repo).publish(version=args.version, data=args.data, buckets=buckets,
                                      data_as_of=args.data_as_of, region=args.region, deltas=deltas,
                                      demo=args.demo, expires=expires,
                                      signers={"targets": _signers(args.key), "snapshot": online,
                                               "timestamp": online})
        print(f"已发布第 {args.version} 版（完整快照{'及 ' + str(len(deltas)) + ' 个增量' if deltas else ''}）→ {args.repo}")
    elif args.command == "timestamp":
        Repository(args.repo).refresh_timestamp(_signers(args.key), expires=args.expires)
        print(f"已重签时间戳 → {args.repo / 'metadata' / 'timestamp.json'}")
    elif args.command == "rotate":
        keys = RoleKeys(tuple(load_public(p) for p in args.key), args.threshold)
        md = Repository(args.repo).rotate_root({r: keys for r in args.role}, _signers(args.sign_with),
                                               expires=args.expires)
        print(f"已签署信任根第 {md.signed.version} 版（{'、'.join(args.role)} 换为 {len(args.key)} 把密钥，门槛 "
              f"{args.threshold}）→ {args.repo / 'metadata' / f'{md.signed.version}.root.json'}")
    elif args.command == "transition":
        root = Path(args.repo) / "metadata" / "1.root.json"
        if not root.is_file():
            raise ValueError(f"{args.repo} 不是发布仓库（缺少 {root}）")
        try:
            signed = legacy.sign_transition(root.read_bytes(), args.legacy_key)
        except (KeyError, TypeError, ValueError):
            raise ValueError("旧格式密钥文件无效（应为 {\"keytype\": \"ed25519\", \"private\", \"public\"}）") from None
        out = Path(args.repo) / legacy.TRANSITION
        out.write_bytes(signed)
        print(f"已签署迁移（{len(args.legacy_key)} 把旧密钥）→ {out}")
    elif args.command == "verify":
        # A missing root is a usage slip (exit 2); a broken repository is refused like any other
        # snapshot that cannot be verified.
        if not args.root.is_file():
            raise ValueError(f"找不到信任根文件：{args.root}")
        v = verify_repository(args.repo, args.root)
        full = v.full()
        c = full.custom if full else {}
        print(f"校验通过：信任根第 {v.root.version} 版，第 {v.version()} 版，地区 {c.get('region', '-')}，"
              f"数据截至 {c.get('data_as_of', '-')}，有效期至 {v.targets.expires.isoformat()}"
              f"{'，演示数据' if c.get('demo') else ''}；{len(v.targets.targets)} 个目标文件的长度与哈希均相符")
    return EXIT_OK


def verify_repository(repo: Path, root: Path, *, now: datetime | None = None) -> trust.Verified:
    """The publisher's check before shipping: TUF's client workflow from ``root`` with nothing
    trusted locally, then every target's length and hashes."""
    v = trust.refresh(trust.Local(Path(root).read_bytes()), trust.FolderFetcher(repo),
                      now=now or datetime.now(timezone.utc))
    for entry in v.targets.targets.values():
        path = Path(repo) / "targets" / entry.path
        if not path.is_file():
            raise trust.refused("targets", "missing-file", f"找不到目标文件：{path}")
        with open(path, "rb", buffering=0) as fh:
            trust.verify_target(entry, fh)
    return v


if __name__ == "__main__":
    sys.exit(main())
