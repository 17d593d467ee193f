"""`credit-desk cases list / export / stats / verify`: the case file from the command line.

Everything printed or exported shows identity numbers masked; only the platform feedback carries
whole codes."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

from desktop.app.commands.opened import open_case_file
from desktop.casefile.record import OUTCOMES, STATUS_LABELS, local_text, utc_text
from desktop.check.codes import InvalidCode, normalise, parse
from desktop.check.model import IDENTITY_SHAPE, CodeKind, mask_code
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

EXIT_OK, EXIT_TAMPERED, EXIT_NOT_WRITTEN = 0, 6, 7
STATUSES = tuple(STATUS_LABELS)


def register(sub: argparse._SubParsersAction) -> None:
    cases = sub.add_parser("cases", help="办件档案：列表、导出、月度统计、校验")
    verbs = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    p = verbs.add_parser("list", help="列出档案记录")
    _filters(p)
    p.add_argument("--json", action="store_true", help="每行一条 JSON 记录")
    p.add_argument("--limit", type=_limit, help="最多列出的条数")
    p.add_argument("--access", action="store_true",
                   help="列出查询留痕（谁、何时、为何查询了哪位自然人），而非核查记录")
    p.set_defaults(func=run_list)

    p = verbs.add_parser("export", help="导出为 JSON Lines（及 PDF 记录单）")
    _filters(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="导出到的文件夹（新的或空的；不会覆盖以前的导出）")
    p.add_argument("--pdf", action="store_true", help="同时为每条记录生成 PDF 记录单")
    p.set_defaults(func=run_export)

    p = verbs.add_parser("stats", help="月度统计")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p.add_argument("--item", help="只统计该办事事项编码")
    p.add_argument("--operator", dest="by_operator", help="只统计该操作员")
    p.add_argument("--csv", type=Path, metavar="FILE", help="同时写出 CSV 文件")
    p.set_defaults(func=run_stats)

    p = verbs.add_parser("verify", help="校验档案哈希链、派生数据和见证")
    p.add_argument("--accept", action="store_true",
                   help="（信息技术人员）按现状确认案卷：仅当案卷本身校验无误、只是与见证不符时")
    p.set_defaults(func=run_verify)

    from desktop.app.commands import due, watch

    watch.register(verbs)
    due.register(verbs)

    p = verbs.add_parser("backup", help="备份案卷（含预写日志中的记录）及其见证")
    p.add_argument("dest", type=_dest, metavar="DEST", help="备份到的文件夹（或以 .sqlite 结尾的文件名）")
    p.set_defaults(func=run_backup)



def _filters(p: argparse.ArgumentParser) -> None:
    # `--operator` also exists on the top-level command (who is signed in); here it filters, so it
    # gets its own destination.
    p.add_argument("--from", dest="since", type=_day, metavar="YYYY-MM-DD", help="起始日期（含）")
    p.add_argument("--to", dest="until", type=_day, metavar="YYYY-MM-DD", help="截止日期（含）")
    p.add_argument("--operator", dest="by_operator", help="操作员工号")
    p.add_argument("--item", help="办事事项编码")
    p.add_argument("--status", choices=STATUSES, help="核查结论")
    p.add_argument("--code", help="主体代码（完整代码）")


def _dest(text: str) -> Path:
    if not text.strip():  # Path("") is the current folder: a backup nobody asked for there
        raise argparse.ArgumentTypeError("请给出备份到的文件夹或文件名（不能为空）")
    return Path(text)


# SQLite's largest integer: a bigger "no limit" from a script overflowed its binding.
_MAX_LIMIT = 2**63 - 1


def _limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"条数应为整数：{text}") from None
    if limit < 0:
        raise argparse.ArgumentTypeError(f"条数不能为负数：{text}")
    return min(limit, _MAX_LIMIT)


def _day(text: str) -> date:
    from desktop.casefile.stats import FIRST_YEAR, LAST_YEAR

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # 9999-12-31 overflowed into "意外错误"
        raise argparse.ArgumentTypeError(f"日期超出可查询的范围（{FIRST_YEAR}–{LAST_YEAR} 年）：{text}")
    return day


def _query(case_file, args: argparse.Namespace) -> list:
    if args.since and args.until and args.since > args.until:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "起始日期 {since} 晚于截止日期 {until}：请对调 --from 和 --to。"),
            {"since": args.since.isoformat(), "until": args.until.isoformat()}))
    # The code as an approval system or a scanner gives it: full-width, lower case, dashes.
    code = normalise(args.code) if args.code else None
    return case_file.query(since=args.since, until=args.until, operator=args.by_operator,
                           item_code=args.item, status=args.status, code=code,
                           limit=getattr(args, "limit", None))


def run_list(args: argparse.Namespace) -> int:
    if args.access:
        return _list_access(args)
    with open_case_file() as case_file:
        records = _query(case_file, args)
    if args.json:
        for r in records:
            print(json.dumps(r.to_json(mask=True), ensure_ascii=False))
        return EXIT_OK
    print("记录\t类型\t核查时间\t操作员\t事项\t主体代码\t主体名称\t结论\t办理结果\t办件编号")
    for r in records:
        kind = "核查" if r.kind == "check" else f"决定→{r.refers_to}"
        print("\t".join([str(r.record_id), kind, local_text(r.checked_at), r.operator,
                         r.item_code, r.masked_code, r.subject_name or "—",
                         STATUS_LABELS.get(r.status, r.status), OUTCOMES.get(r.outcome, r.outcome),
                         r.case_no or "—"]))
    print(f"共 {len(records)} 条。", file=sys.stderr)
    return EXIT_OK


def _list_access(args: argparse.Namespace) -> int:
    """The access records, for a supervisor: every lookup of a natural person, recorded or not."""
    given = [flag for flag, value in (("--item", args.item), ("--status", args.status),
                                      ("--code", args.code)) if value]
    if given:
        # An access record keeps the number masked, so it cannot be searched for a person.
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "查询留痕只能按日期和操作员筛选，不能与 {flags} 同用。"), {"flags": "、".join(given)}))
    if args.since and args.until and args.since > args.until:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "起始日期 {since} 晚于截止日期 {until}：请对调 --from 和 --to。"),
            {"since": args.since.isoformat(), "until": args.until.isoformat()}))
    with open_case_file() as case_file:
        records = case_file.access_records(since=args.since, until=args.until,
                                           operator=args.by_operator, limit=args.limit)
    if args.json:
        for r in records:
            print(json.dumps(asdict(r), ensure_ascii=False))
        return EXIT_OK
    print("留痕\t查询时间\t操作员\t大厅/窗口\t自然人\t查询用途\t事项\t结论\t来源")
    for r in records:
        print("\t".join([str(r.access_id), local_text(r.at), r.operator, f"{r.hall}/{r.window}",
                         r.subject, r.purpose, r.item_code or "—", STATUS_LABELS.get(r.status, r.status),
                         r.source]))
    print(f"共 {len(records)} 条查询留痕。", file=sys.stderr)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """JSON lines, a manifest the archive can check the hand-over against, and optionally one PDF
    record sheet per record. An earlier export is never overwritten: bad input changes nothing."""
    out: Path = args.out
    lines, manifest = out / "cases.jsonl", out / "manifest.json"
    if lines.exists() or manifest.exists():
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "导出文件夹 {folder} 中已有一次导出（cases.jsonl）：请换一个新的空文件夹，"
                    "以免覆盖已移交的档案。"), {"folder": str(out)}))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "无法创建导出文件夹 {folder}：{error}"),
                                {"folder": str(out), "error": exc.strerror or exc})) from exc
    with open_case_file() as case_file:
        records = _query(case_file, args)
        head = case_file.head()
    text = "".join(json.dumps(r.to_json(mask=True), ensure_ascii=False) + "\n" for r in records)
    data = text.encode("utf-8")
    sheets = []
    try:
        _write_atomically(lines, data)
        if args.pdf:
            from desktop.casefile.sheet import render_sheets

            sheets = render_sheets(records, out / "sheets")
        _write_atomically(manifest, (json.dumps({
            "exported_at": utc_text(datetime.now(timezone.utc)),
            "records": len(records),
            "first_record": records[0].record_id if records else None,
            "last_record": records[-1].record_id if records else None,
            "chain_head": head,
            "cases_jsonl_sha256": hashlib.sha256(data).hexdigest(),
            "identity_numbers": "masked",
            "filters": {k: (str(v) if v is not None else None) for k, v in (
                ("from", args.since), ("to", args.until), ("operator", args.by_operator),
                ("item", args.item), ("status", args.status),
                ("code", args.code and _masked_filter(args.code)))},
            "sheets": [p.name for p in sheets],
        }, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "导出到 {folder} 失败：{error}。"
                                                  "档案本身未受影响，请检查该文件夹后重新导出。"),
                                {"folder": str(out), "error": exc.strerror or exc})) from exc
    print(f"已导出 {len(records)} 条记录到 {lines}（档案链头 {head}）")
    if args.pdf:
        print(f"已生成 {len(sheets)} 份记录单到 {out / 'sheets'}")
    return EXIT_OK


def _masked_filter(raw: str) -> str:
    """The ``--code`` filter as the manifest records it: an identity number masked, like every
    code in the hand-over; so is a mistyped one (17 digits and a digit or X)."""
    code = normalise(raw)
    try:
        kind = parse(code).kind
    except InvalidCode:
        kind = CodeKind.PERSON if IDENTITY_SHAPE.fullmatch(code) else CodeKind.ORG
    return mask_code(code, kind)


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)


def run_stats(args: argparse.Namespace) -> int:
    from desktop.casefile import stats

    with open_case_file() as case_file:
        result = stats.monthly(case_file, args.month, item_code=args.item,
                               operator=args.by_operator)
    print(stats.format_table(result))
    if args.csv:
        stats.write_csv(result, args.csv)
        print(f"已写出 {args.csv}", file=sys.stderr)
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    if args.accept:
        with open_case_file(readonly=False) as case_file:
            head = case_file.accept()
        print(f"已按现状确认案卷：{head.count} 条记录，链头 {head.head}；原见证文件已改名保留。")
        return EXIT_OK
    with open_case_file() as case_file:
        report = case_file.verify()
        head = case_file.head()
        case_file.record_alarm(report)
    if report.notice:
        print(report.notice, file=sys.stderr)
    if report.ok:
        print(f"档案完整：已校验 {report.checked} 条记录，链头 {head}")
        return EXIT_OK
    print(f"档案被篡改：{report.problem}", file=sys.stderr)
    if report.first_bad is not None:
        print(f"第一条有问题的记录：{report.first_bad}（之前 {report.checked} 条完好）",
              file=sys.stderr)
    print("本机已暂停向该案卷记档，直至信息技术人员从备份恢复（或确认现状：cases verify --accept）。",
          file=sys.stderr)
    return EXIT_TAMPERED


def run_backup(args: argparse.Namespace) -> int:
    """SQLite's online backup of the case file, records still in its write-ahead log included,
    and a witness of exactly the copy: restore both files together."""
    with open_case_file() as case_file:
        try:
            head = case_file.backup(args.dest)
        except FileExistsError as exc:
            raise UserError(Message(QT_TRANSLATE_NOOP(
                "core", "备份目标 {file} 已存在：请换一个新文件名或空文件夹，不会覆盖以前的备份。"),
                {"file": exc.filename or str(exc)}), exit_code=EXIT_NOT_WRITTEN) from exc
        except OSError as exc:
            raise UserError(Message(QT_TRANSLATE_NOOP("core", "无法写入备份 {dest}：{error}"),
                                    {"dest": str(args.dest), "error": exc.strerror or exc}),
                            exit_code=EXIT_NOT_WRITTEN) from exc
    print(f"已备份 {head.count} 条记录（链头 {head.head}）到 {args.dest}，见证文件一并写出；"
          "恢复时请把案卷文件和 .witness 文件一起放回。")
    return EXIT_OK
