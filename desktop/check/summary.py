"""A check result as plain zh_CN text for the terminal (the window draws its own). Every value
that came from the platform or the snapshot goes through ``one_line``: it is data, and must not
start, colour or reverse a line of its own."""
from __future__ import annotations

from datetime import datetime

from desktop.check.model import COMMITMENT_LABELS, ROLE_LABELS, CheckResult, Source, Status, fmt_time
from desktop.site.text import one_line as p

STATUS_TEXT = {Status.CLEAR: "未发现名单信息", Status.HIT: "命中名单", Status.UNVERIFIED: "无法核验"}
SEVERITY_TEXT = {"black": "失信惩戒对象（黑名单）", "focus": "重点关注对象", "red": "守信激励对象（红名单）"}
STATE_TEXT = {"active": "有效", "lapsed": "已到期", "objection": "异议处理中", "repaired": "已信用修复",
              "removed": "已移出/已删除"}
NATURE_TEXT = {"punish": "惩戒", "reward": "激励"}
TARGET_TEXT = {"org": "单位", "person": "自然人", "legal_rep": "法定代表人", "principal": "主要负责人、直接责任人",
               "any": "所有被核查主体"}
EFFECT_TEXT = {"refuse": "不予办理", "restrict": "限制/从严审核", "general_procedure": "按一般程序办理",
               "reward": "激励（自愿适用）", "inform": "提示"}
BASIS_LEVEL_TEXT = {"law": "法律", "admin_regulation": "行政法规", "local_regulation": "地方性法规",
                    "central_policy": "党中央、国务院政策文件", "dept_rule": "部门规章/规范性文件",
                    "memorandum": "合作备忘录"}
OUTCOME_TEXT = {"approved": "准予办理", "approved_with_conditions": "容缺/附条件办理", "rejected": "不予办理",
                "deferred": "暂缓办理", "referred": "移交核实"}


def as_of(r: CheckResult) -> str:
    """data_as_of in China time; the JSON keeps the ISO value."""
    try:
        return fmt_time(datetime.fromisoformat(r.data_as_of))
    except (TypeError, ValueError):
        return r.data_as_of or "-"


def source_line(r: CheckResult) -> str:
    if r.status == Status.UNVERIFIED:
        text = "来源：无可用数据"
    elif r.source == Source.PLATFORM:
        text = f"来源：省信用平台（数据截至 {as_of(r)}）"
    else:
        text = f"来源：离线数据 第 {r.snapshot_version} 版（数据截至 {as_of(r)}）"
    if r.stale and r.status != Status.UNVERIFIED:
        text += "，数据已较旧"
    if r.demo:
        text += "  【演示数据 / DEMO DATA】"
    return text


def render(r: CheckResult) -> str:
    lines = []
    name = f"  {p(r.subject.name)}" if r.subject else ""
    lines.append(f"代码：{r.masked_code}{name}")
    if r.item:
        # With no catalogue to name it, the item is known by its code alone.
        named = r.item.name != r.item.item_code
        lines.append(f"事项：{p(r.item.name)}（{p(r.item.item_code)}）" if named
                     else f"事项：{p(r.item.item_code)}")
    status = STATUS_TEXT[r.status]
    if r.severities:
        status += "：" + "、".join(SEVERITY_TEXT[s] for s in r.severities)
    lines.append(f"结果：{status}")
    if r.subject_known is False:
        # The first thing the clerk reads after the result: the code may be a typing slip.
        lines.append(f"注意：{p(str(r.notices[0]))}")
    lines.append(source_line(r))
    if r.reason:
        lines.append(f"说明：{p(str(r.reason))}")
    for h in r.hits:
        until = f"至 {h.expires_on}" if h.expires_on else "无固定期限"
        state = h.effective_state or h.state
        lines.append(f"  · {p(h.list_name)}［{STATE_TEXT.get(state, state)}］ {p(h.authority)}，"
                     f"{h.listed_on} 列入，{until}；依据：{p(h.basis)}")
    if r.related:
        lines.append("关联人员：")
    for person in r.related:
        listed = [h for h in person.hits if (h.effective_state or h.state) in ("active", "objection")]
        lines.append(f"  {ROLE_LABELS[person.role]} {p(person.name)}（{person.code_masked}）："
                     + ("；".join(f"{p(h.list_name)}［{STATE_TEXT.get(h.effective_state or h.state, h.state)}］"
                                  f"{p(h.authority)}，{h.listed_on} 列入" for h in listed)
                        if listed else "未发现名单信息"))
    if r.item and r.status != Status.UNVERIFIED:
        if r.measures:
            lines.append("本事项的奖惩措施：")
        for m in r.measures:
            flag = ("不适用" if not m.applies else "必须执行" if m.mandatory else
                    "自愿适用" if m.nature == "reward" else "参考")
            lines.append(f"  [{flag}] {NATURE_TEXT[m.nature]}·{p(m.category)}：{p(m.content)}"
                         f"（{p(m.measure_id)}；适用对象：{TARGET_TEXT.get(m.target, m.target)}；"
                         f"效果：{EFFECT_TEXT.get(m.effect, m.effect)}；依据：{p(m.basis)}"
                         f"［{BASIS_LEVEL_TEXT.get(m.basis_level, m.basis_level)}］"
                         + (f"；基础清单：{p(m.catalogue_ref)}" if m.catalogue_ref else "") + "）")
    suggested = r.suggested_outcome
    if r.item and r.status != Status.UNVERIFIED:
        lines.append("建议办理结果：" + (OUTCOME_TEXT[suggested] if suggested else "不预设，由经办人核实后决定"))
    offered, closed_because = r.commitment_offer
    if offered:
        lines.append("可接受的信用承诺：" + "、".join(COMMITMENT_LABELS[t] for t in offered))
    if closed_because:
        lines.append(f"信用承诺：{p(str(closed_because))}")
    skip = 1 if r.subject_known is False else 0
    for n in r.notices[skip:]:
        lines.append(f"提示：{p(str(n))}")
    return "\n".join(lines)
