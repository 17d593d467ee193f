"""`credit-desk check`: one code, a batch file, or a headless recorded check."""
from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import logging
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from desktop.casefile.errors import RecordNotDurable, RecordRefused
from desktop.casefile.record import OUTCOMES
from desktop.check import summary
from desktop.check.codes import InvalidCode, normalise
from desktop.check.model import COMMITMENT_LABELS, COMMITMENT_TYPES, CheckResult, Status
from desktop.check.purpose import PurposeRequired
from desktop.desk.context import DeskContext
from desktop.site.masking import holds_identity_number, mask_identity_numbers
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from desktop.site.text import QUOTE_LIMIT, quoted

log = logging.getLogger(__name__)
# The per-check lines a batch would flood the log with (a million lines rotate away the day's
# counter checks in a minute): the batch logs its own summary and its hits and refusals instead.
PER_CHECK_LOGGERS = ("desktop.check.checker", "desktop.platform.client")

EXIT_OK, EXIT_INVALID, EXIT_UNVERIFIED = 0, 2, 3
# Column headers a batch CSV may use for the code.
CODE_HEADERS = {"code", "uscc", "subject_code", "统一社会信用代码", "信用代码", "代码", "身份证号码"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="核查一个代码（或批量核查）")
    p.add_argument("code", nargs="?", help="统一社会信用代码、身份证号码或营业执照二维码网址")
    p.add_argument("--item", help="办事事项编码（见 credit-desk items）")
    p.add_argument("--offline", action="store_true", help="只用离线数据，不询问平台")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--batch", type=Path, metavar="FILE", help="每行一个代码，或 CSV 中的代码列")
    p.add_argument("--purpose", help="查询用途：核查自然人（身份证号码）时必填，授权书编号或履职依据；"
                   "记入查询留痕")
    p.add_argument("--record", action="store_true", help="核查后记入办件档案并上报")
    p.add_argument("--case-no", help="办件编号")
    p.add_argument("--outcome", help="办理结果："
                   + "、".join(f"{key}（{label}）" for key, label in OUTCOMES.items()))
    p.add_argument("--note", default="", help="说明（未执行必须执行的措施时必填）")
    p.add_argument("--apply", nargs="*", default=None, metavar="MEASURE_ID",
                   help="已执行的措施编号（默认：执行全部必须执行的措施）")
    p.add_argument("--commitment", choices=COMMITMENT_TYPES, metavar="TYPE",
                   help="申请人签署的信用承诺：" + "、".join(
                       f"{key}（{label}）" for key, label in COMMITMENT_LABELS.items()))
    p.add_argument("--form-no", help="已签署承诺书的编号")
    p.add_argument("--due", help="容缺材料补齐期限或承诺核查日期（YYYY-MM-DD）")
    p.add_argument("--missing", nargs="*", default=None, metavar="TEXT", help="容缺：欠缺的材料")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch and args.code:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "请只给出一个代码，或用 --batch 给出文件，不要同时给出。")))
    if args.batch:
        if args.record:
            raise UserError(Message(QT_TRANSLATE_NOOP("core", "批量核查不能直接记档：每个办件需要各自的办件编号。")))
        return run_batch(args)
    if not args.code:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "请给出要核查的代码，例如 credit-desk check 91440101MA59XXXXXX --item ITEM")))
    if not args.record:
        _refuse_record_flags_without_record(args)
    ctx = DeskContext.from_environment(args.operator)
    if args.record:
        _require_record_args(args)
    sign_in(ctx)
    result = ctx.checker.check(args.code, args.item, offline_only=args.offline, purpose=args.purpose)
    record, refused = None, None
    if args.record:
        try:
            record = _record(ctx, result, args)
        except (RecordRefused, RecordNotDurable) as exc:
            # The check is still shown in full, so the approval system (or the clerk behind it)
            # keeps what was not recorded and can record it again once the cause is fixed.
            refused = exc
    if args.json:
        data = result.to_json(mask=True)
        if args.record:
            data["record"] = (None if record is None else
                              {"record_id": record.record_id, "hash": record.hash})
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(summary.render(result))
        if record is not None:
            print(f"已记入办件档案：记录 {record.record_id}，办件 {record.case_no}")
    if refused is not None:
        try:
            raise refused
        finally:
            refused = None  # no cycle through this frame: the context's open files go with it
    return EXIT_UNVERIFIED if result.status == Status.UNVERIFIED else EXIT_OK


def sign_in(ctx: DeskContext) -> None:
    """``auth = "platform"``: the operator (--operator, CREDIT_DESK_OPERATOR or the remembered
    one) signs in for this run with the password typed at the terminal, or, from a script, as
    the first line of standard input; never from an argument, a file or the environment. The
    token dies with the process. ``auth = "os"``: the OS account, already resolved. The demo:
    nobody signs in."""
    ops = ctx.config.operators
    if ops is None or ops.auth != "platform":
        return
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"工号 {ctx.operator} 的密码：")
    else:
        password = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    ctx.sign_in(password)


def _refuse_record_flags_without_record(args: argparse.Namespace) -> None:
    given = [flag for flag, value in (("--case-no", args.case_no), ("--outcome", args.outcome),
                                      ("--note", args.note), ("--apply", args.apply),
                                      ("--commitment", args.commitment), ("--form-no", args.form_no),
                                      ("--due", args.due), ("--missing", args.missing))
             if value not in (None, "")]
    if given:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "{flags} 只在记档时使用：请加上 --record，或去掉这些参数。"),
            {"flags": "、".join(given)}))


def _require_record_args(args: argparse.Namespace) -> None:
    missing = [flag for flag, value in (("--item", args.item), ("--case-no", args.case_no),
                                         ("--outcome", args.outcome)) if not value]
    if missing:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "记档需要 {flags}。"),
                                {"flags": "、".join(missing)}))
    stray = [flag for flag, value in (("--form-no", args.form_no), ("--due", args.due),
                                      ("--missing", args.missing)) if value not in (None, "")]
    if stray and not args.commitment:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "{flags} 属于信用承诺：请用 --commitment 给出承诺类型，或去掉这些参数。"),
            {"flags": "、".join(stray)}))


def _record(ctx: DeskContext, result: CheckResult, args: argparse.Namespace):
    """Mandated measures count as applied unless ``--apply`` says which were; the case file then
    refuses a dropped mandated measure without a ``--note``, and anything else the rules forbid."""
    from desktop.casefile.commitments import Pledge
    from desktop.casefile.store import Decision

    applied = tuple(args.apply) if args.apply is not None else tuple(
        m.measure_id for m in result.measures if m.mandatory)
    pledge = None
    if args.commitment:
        pledge = Pledge(args.commitment, args.form_no or "", tuple(args.missing or ()),
                        args.due or None)
    decision = Decision(case_no=args.case_no, outcome=args.outcome, note=args.note,
                        measures_applied=applied, commitment=pledge)
    case_file = ctx.case_file
    try:
        return case_file.record_check(result, decision, ctx.desk)
    finally:
        case_file.close()  # one record per run: let go of the file (and its folder) at once


class BatchFileError(UserError):
    exit_code = 2


def batch_codes(text: str) -> list[tuple[int, str]]:
    """(line in the file, code) for each code in a batch file: one per line, or the code column
    of a CSV. The line is the file's own, header and blank lines counted, so that "第 N 行" is
    where the clerk finds it in an editor or a spreadsheet."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if "," not in first:
        return [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        # A field over the csv module's limit (128 KiB), a stray quote at the end: the file is
        # not a table this command can read; say where, and run nothing.
        raise BatchFileError(Message(QT_TRANSLATE_NOOP(
            "core", "批量文件第 {line} 行不是有效的 CSV（{error}）。请检查该行，或每行只写一个代码。"),
            {"line": reader.line_num, "error": str(exc)})) from None
    header = [cell.strip().lower() for cell in rows[0][1]]
    column = next((i for i, h in enumerate(header) if h in CODE_HEADERS), None)
    if column is None:
        return [(n, row[0]) for n, row in rows]
    return [(n, row[column] if column < len(row) else "") for n, row in rows[1:]]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: a Chinese Excel saves "CSV" in GBK."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first = exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        # Name the line where the text stops being either: the later of the two failures.
        exc.start = max(exc.start, first.start)
        raise


@contextmanager
def _per_check_logs_quiet():
    loggers = [logging.getLogger(name) for name in PER_CHECK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def run_batch(args: argparse.Namespace) -> int:
    # The reason goes into the one existing message (its translation stays complete), in words
    # that say what to do rather than the OS's English errno text.
    error = None
    try:
        data = args.batch.read_bytes()
        text = _decode(data)
    except FileNotFoundError:
        error = "文件不存在，请检查文件名和路径"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        error = f"第 {line} 行既不是 UTF-8 也不是 GBK 文本，请在表格软件中另存为“CSV UTF-8”后重试"
    except OSError as exc:
        error = exc.strerror or str(exc)
    if error is not None:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "无法读取批量文件 {path}：{error}"),
                                {"path": str(args.batch), "error": error}))
    codes = batch_codes(text)
    ctx = DeskContext.from_environment(args.operator)
    sign_in(ctx)
    ctx.checker.resolve_item(args.item)  # an unknown item is one error, not one per line
    started = time.monotonic()
    counts = {"clear": 0, "hit": 0, "unverified": 0, "invalid": 0, "fallback": 0}
    with _per_check_logs_quiet():
        for line_no, raw in codes:
            result = _batch_line(ctx, args, line_no, raw, counts)
            if result is not None:
                counts[str(result.status)] += 1
                counts["fallback"] += result.reason is not None
            sys.stdout.flush()
    log.info("batch %s item %s: %d lines in %.1f s: %d clear, %d hit, %d unverified, %d invalid, "
             "%d fell back to the snapshot", args.batch.name, args.item or "-", len(codes),
             time.monotonic() - started, counts["clear"], counts["hit"], counts["unverified"],
             counts["invalid"], counts["fallback"])
    if counts["invalid"]:
        return EXIT_INVALID
    return EXIT_UNVERIFIED if counts["unverified"] else EXIT_OK


def _masked_line(raw: str) -> str:
    """A refused batch line as it is quoted back: an identity number in it masked, whatever sits
    beside it (a name copied from a spreadsheet, a comma), split in groups too; the rest as it was
    written, so the clerk finds the line."""
    raw = raw[:4 * QUOTE_LIMIT]  # only the start is quoted: a line of megabytes is not masked whole
    shown = mask_identity_numbers(raw)
    if holds_identity_number(shown):
        shown = mask_identity_numbers(normalise(raw))
    return shown


def _batch_line(ctx: DeskContext, args: argparse.Namespace, line_no: int, raw: str,
                counts: dict) -> CheckResult | None:
    """Check one line and print its result; None when the line was refused."""
    try:
        result = ctx.checker.check(raw, args.item, offline_only=args.offline, purpose=args.purpose)
    except (InvalidCode, PurposeRequired) as exc:
        raw = _masked_line(raw)
        counts["invalid"] += 1
        log.info("batch line %d refused: %s", line_no, exc.message)
        if args.json:
            print(json.dumps({"line": line_no, "input": quoted(raw), "error": str(exc.message)},
                             ensure_ascii=False))
        else:
            print(f"第 {line_no} 行 {quoted(raw)}：{exc.message}")
        return None
    if result.status != Status.CLEAR:
        log.info("batch line %d: %s %s %s %s%s", line_no, result.masked_code, result.status,
                 "/".join(result.severities) or "-", result.source,
                 f" ({result.reason})" if result.reason else "")
    if args.json:
        print(json.dumps(dict(result.to_json(mask=True), line=line_no), ensure_ascii=False))
    else:
        sev = "、".join(summary.SEVERITY_TEXT[s] for s in result.severities)
        print(f"第 {line_no} 行 {result.masked_code}：{summary.STATUS_TEXT[result.status]}"
              + (f"（{sev}）" if sev else "")
              + ("；数据中无此主体，请核对代码" if result.subject_known is False else ""))
    return result
