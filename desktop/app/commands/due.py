"""`credit-desk cases due [--days N] [--json]`: open credit commitments due within N days (default
7) and overdue ones; `--settle RECORD --state fulfilled|breached [--note TEXT] [--yes]` records the
fulfilment or the breach as a decision on the check the commitment was made with (fed back to the
platform like every record). A breach says what follows and is written only with `--yes`.
Exit 0; 2 when a settlement is refused."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from desktop.app.commands.opened import open_case_file
from desktop.casefile.commitments import BREACH_CONSEQUENCE, SETTLED_STATES, china_today, due_list
from desktop.check.model import COMMITMENT_LABELS, mask_code
from desktop.desk.context import DeskContext
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

EXIT_OK, EXIT_REFUSED = 0, 2


def register(verbs) -> None:
    p = verbs.add_parser("due", help="信用承诺：即将到期和已逾期的承诺")
    p.add_argument("--days", type=_days, default=7, help="列出多少天内到期的承诺（默认 7）")
    p.add_argument("--json", action="store_true", help="每行一条 JSON")
    p.add_argument("--settle", type=_record_no, metavar="RECORD", help="处理该记录（核查记录号）上的承诺")
    p.add_argument("--state", choices=SETTLED_STATES, help="fulfilled（已履约）或 breached（违诺）")
    p.add_argument("--note", default="", help="说明（违诺时必填）")
    p.add_argument("--yes", action="store_true", help="确认违诺（违诺的后果见提示）")
    p.set_defaults(func=run_due)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}”不是天数") from None
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError("天数应在 0 到 3650 之间")
    return value


def _record_no(text: str) -> int:
    # SQLite holds 64-bit integers only: a longer number was an OverflowError and a traceback.
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"“{text[:20]}”不是记录号（cases due 列出的“记录”后的数字）")
    return value


def run_due(args: argparse.Namespace) -> int:
    if args.settle is not None:
        return _settle(DeskContext.from_environment(args.operator), args)
    # A listing: read-only, like cases list, so an archive copy or a read-only mount lists too.
    with open_case_file() as case_file:
        rows = due_list(case_file.with_commitments(), china_today(datetime.now(timezone.utc)),
                        args.days)
    for d in rows:
        masked = mask_code(d.subject_code, d.subject_kind)
        if args.json:
            print(json.dumps(d.to_json(masked), ensure_ascii=False))
            continue
        when = f"已逾期 {-d.days_left} 天" if d.overdue else (
            "今天到期" if d.days_left == 0 else f"{d.days_left} 天后到期")
        missing = f"；欠缺：{'、'.join(d.missing)}" if d.missing else ""
        print(f"记录 {d.check_id}  办件 {d.case_no}  {masked} {d.subject_name or ''}  "
              f"{COMMITMENT_LABELS[d.type]} {d.form_no}  期限 {d.due}（{when}）{missing}")
    overdue = sum(d.overdue for d in rows)
    if not args.json:
        print(f"共 {len(rows)} 项承诺待跟进，其中已逾期 {overdue} 项。", file=sys.stderr)
    return EXIT_OK


def _settle(ctx, args) -> int:
    if not args.state:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "处理承诺须用 --state 说明结果：fulfilled（已履约）或 breached（违诺）。")),
            exit_code=EXIT_REFUSED)
    if args.state == "breached" and not args.yes:
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "{consequence} 确认请加上 --yes。"),
                                {"consequence": Message(BREACH_CONSEQUENCE)}), exit_code=EXIT_REFUSED)
    case_file = ctx.case_file
    try:
        record = case_file.record_commitment(args.settle, args.state, args.note, ctx.desk)
    finally:
        case_file.close()
    word = "已履约" if args.state == "fulfilled" else "违诺"
    print(f"已记录承诺{word}：记录 {record.record_id}（针对记录 {record.refers_to}），将上报省平台。")
    return EXIT_OK
