"""`credit-desk cases watch [--json] [--all]`: post-approval alerts (事中事后监管), and settling one
with `--settle ALERT --action ACTION --note TEXT` (a follow-up decision record, fed back to the
platform like every record). Exit 0; 3 when no valid snapshot could be compared with, or some
recorded subjects' rows in it do not verify (each such record is named; the alerts already raised
are listed all the same); 2 when a settlement is refused; 6 when the case file fails `cases
verify` (a follow-up is an append like any other)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from desktop.casefile.record import OUTCOMES, local_text
from desktop.casefile.watch import ACTIONS, CHANGES, ROLE_WORDS, STATE_WORDS
from desktop.check.model import mask_code
from desktop.desk import watch
from desktop.desk.context import DeskContext
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

EXIT_OK, EXIT_REFUSED, EXIT_NO_DATA = 0, 2, 3


def register(verbs) -> None:
    p = verbs.add_parser("watch", help="事中事后监管：已办结核查的跟踪提醒")
    p.add_argument("--json", action="store_true", help="每行一条 JSON 提醒")
    p.add_argument("--all", action="store_true", help="也列出已处理的和已被更新数据取代的提醒")
    p.add_argument("--settle", metavar="ALERT", help="登记对该提醒的跟踪处理（提醒编号见列表）")
    p.add_argument("--action", choices=tuple(ACTIONS), help="做了什么："
                   + "；".join(f"{k} {v}" for k, v in ACTIONS.items()))
    p.add_argument("--note", default="", help="处理说明（必填）")
    p.set_defaults(func=run_watch)


def run_watch(args: argparse.Namespace) -> int:
    ctx = DeskContext.from_environment(args.operator)
    if args.settle:
        return _settle(ctx, args)
    state = watch.refresh(ctx, include_closed=args.all)
    for problem in (state.problem, state.feed_problem):
        if problem is not None:
            print(f"注意：{problem}", file=sys.stderr)
    unverified = state.run.unverified if state.run is not None else ()
    for check_id, case_no, where in unverified:
        # Edited data must neither raise nor silently drop an alert: the record is named.
        print(f"注意：记录 {check_id}（办件 {case_no or '—'}）未能比对：{state.run.source}中{where}"
              "的内容与签署的分组表不符，数据文件被改动过。请重新导入快照（U盘或“更新离线数据”）。",
              file=sys.stderr)
    if args.json:
        for alert in state.alerts:
            print(json.dumps(alert.to_json(), ensure_ascii=False))
    else:
        now = datetime.now(timezone.utc)
        for alert in state.alerts:
            print(_describe(alert, now))
        shown = "全部" if args.all else "待处理"
        print(f"共 {len(state.alerts)} 条{shown}跟踪提醒。", file=sys.stderr)
    return EXIT_NO_DATA if state.problem is not None or unverified else EXIT_OK


def _settle(ctx, args) -> int:
    if not args.action:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "登记跟踪处理须用 --action 说明做了什么，可选：{choices}。"),
            {"choices": "、".join(ACTIONS)}), exit_code=EXIT_REFUSED)
    record = watch.settle(ctx, args.settle, args.action, args.note)
    print(f"已登记跟踪处理：记录 {record.record_id}（针对记录 {record.refers_to}，"
          f"{ACTIONS[args.action]}），将上报省平台。")
    return EXIT_OK


def _describe(a, now: datetime) -> str:
    masked = mask_code(a.subject_code, a.subject_kind)
    lines = [f"提醒 {a.key}  记录 {a.check_id}（办件 {a.case_no or '—'}，核查于 {local_text(a.checked_at)}）"
             f"  事项 {a.item_name}（{a.item_code}）",
             f"  主体：{masked} {a.subject_name or '—'}；办理结果：{OUTCOMES.get(a.outcome, a.outcome)}",
             *([f"  人员：{ROLE_WORDS.get(a.person_role, a.person_role)} {a.person_name} {a.person_code}"]
               if a.person_role else []),
             f"  变化：{CHANGES[a.change]}：{a.list_name} {a.entry_id}"
             f"（{STATE_WORDS.get(a.old_state, a.old_state)} → {STATE_WORDS.get(a.new_state, a.new_state)}）",
             f"  来源：{a.source}，{a.age_days(now)} 天前提出",
             f"  应采取的跟进：{a.follow_up}"]
    if not a.record_ok:
        lines.append("  ！该记录未通过档案校验（credit-desk cases verify），不能在其上登记处理。")
    if a.settled is not None:
        lines.append(f"  已处理：{ACTIONS.get(a.settled.action, a.settled.action)}，"
                     f"{a.settled.operator}，{local_text(a.settled.at)}，记录 {a.settled.record_id}："
                     f"{a.settled.note}")
    elif a.cleared_at is not None:
        lines.append(f"  已被更新的数据取代（{local_text(a.cleared_at)}）："
                     f"{a.cleared_reason or '更新的数据不再显示这一变化。'}")
    return "\n".join(lines)
