"""A check asked for by the hall's approval system, not typed at the counter: a `creditdesk://`
link on its case page, or a request to the desk's local API (DESIGN.md "Inside the approval
flow"). Both come from outside and are refused whole when anything in them is off, before
anything is looked up.

An identity number never travels in a link (browsers, proxies and the OS keep URLs in histories
and logs), so a link carrying a person's code is refused; the local API takes one in its body,
with the purpose the law asks for.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from desktop.check.codes import InvalidCode, parse
from desktop.check.model import CodeKind
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

SCHEME = "creditdesk"
MAX_URL = 2048
MAX_BODY = 8 * 1024
# Case numbers and item codes of the provincial approval systems are short; a long one is junk.
MAX_FIELD = 64
MAX_PURPOSE = 200
# Identity numbers are 18 characters; a run of 15 or more digits is one, mangled or not.
_LONG_DIGITS = re.compile(r"\d{15,}")
LINK_FIELDS = {"item": "item", "case": "case_no", "code": "code"}
BODY_FIELDS = ("case_no", "item", "code", "purpose")


class RequestRefused(UserError):
    """The approval system's request is refused; nothing was looked up or recorded."""
    exit_code = 2


@dataclass(frozen=True)
class CheckRequest:
    item: str
    case_no: str
    code: str | None = None     # normalised and check-digit verified, or None: the clerk scans it
    kind: CodeKind | None = None
    purpose: str = ""


def _refused(template: str, **params) -> RequestRefused:
    return RequestRefused(Message(template, params))


def _shown(text: str, limit: int = 40) -> str:
    """What a refusal may quote of outside text: printable, and short."""
    visible = "".join(c if c.isprintable() else "?" for c in text)
    return visible if len(visible) <= limit else visible[:limit] + "…"


def _field(name: str, value: object, limit: int = MAX_FIELD, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _refused(QT_TRANSLATE_NOOP("core", "请求中的 {name} 应为文字。"), name=name)
    text = value.strip()
    if not text:
        if required:
            raise _refused(QT_TRANSLATE_NOOP("core", "请求缺少 {name}。"), name=name)
        return ""
    if len(text) > limit:
        raise _refused(QT_TRANSLATE_NOOP("core", "请求中的 {name} 超过 {limit} 个字符。"),
                       name=name, limit=str(limit))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in text):
        raise _refused(QT_TRANSLATE_NOOP("core", "请求中的 {name} 含有控制字符。"), name=name)
    return text


def _code(raw: str) -> tuple[str, CodeKind]:
    try:
        parsed = parse(raw)
    except InvalidCode as exc:
        raise RequestRefused(Message(QT_TRANSLATE_NOOP("core", "请求中的代码无效：{reason}"),
                                     {"reason": exc.message})) from None
    return parsed.code, parsed.kind


def parse_link(url: str) -> CheckRequest:
    """``creditdesk://check?item=ITEM&case=CASE_NO[&code=USCC]``, or RequestRefused."""
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise _refused(QT_TRANSLATE_NOOP("core", "链接过长（超过 {limit} 个字符），已拒绝。"),
                       limit=str(MAX_URL))
    # A person's number anywhere in the link (path, parameter name, case, item, a mangled code)
    # is refused without being repeated: the link has already been in a browser's history.
    if _LONG_DIGITS.search(unicodedata.normalize("NFKC", unquote(url))):
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "链接中不能带自然人身份证号（网址会被浏览器和代理记录）。请在窗口中扫码或输入，并填写查询目的。"))
    parts = urlsplit(url.strip())
    where = parts.netloc or parts.path
    if parts.scheme.lower() != SCHEME or where.strip("/") != "check" or (parts.netloc and parts.path not in ("", "/")):
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "不是信用核查链接：应为 creditdesk://check?item=事项编码&case=办件编号[&code=统一社会信用代码]，"
                    "收到“{url}”。"), url=_shown(url, 60))
    if parts.fragment:
        raise _refused(QT_TRANSLATE_NOOP("core", "链接不应带 # 片段。"))
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query),
                          errors="strict", max_num_fields=len(LINK_FIELDS))
    except ValueError:
        raise _refused(QT_TRANSLATE_NOOP("core", "链接的参数无法读取，已拒绝。")) from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in LINK_FIELDS:
            raise _refused(QT_TRANSLATE_NOOP(
                "core", "链接含有未知参数“{key}”：只接受 item、case 和 code。"), key=_shown(key))
        if key in seen:
            raise _refused(QT_TRANSLATE_NOOP("core", "链接中参数“{key}”出现了两次。"), key=key)
        seen[key] = value
    item = _field("item", seen.get("item", ""))
    case_no = _field("case", seen.get("case", ""))
    raw = seen.get("code", "")
    if not raw.strip():
        return CheckRequest(item=item, case_no=case_no)
    code, kind = _code(_field("code", raw))
    if kind == CodeKind.PERSON:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "链接中不能带自然人身份证号（网址会被浏览器和代理记录）。请在窗口中扫码或输入，并填写查询目的。"))
    return CheckRequest(item=item, case_no=case_no, code=code, kind=kind)


def parse_body(body: bytes) -> CheckRequest:
    """The local API's ``{case_no, item, code, purpose}``, or RequestRefused."""
    if len(body) > MAX_BODY:
        raise _refused(QT_TRANSLATE_NOOP("core", "请求体超过 {limit} 字节，已拒绝。"), limit=str(MAX_BODY))
    try:
        data = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refused(QT_TRANSLATE_NOOP("core", "请求体不是有效的 JSON 对象。")) from None
    if not isinstance(data, dict):
        raise _refused(QT_TRANSLATE_NOOP("core", "请求体不是有效的 JSON 对象。"))
    unknown = sorted(set(data) - set(BODY_FIELDS))
    if unknown:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "请求含有未知字段“{key}”：只接受 case_no、item、code 和 purpose。"), key=_shown(unknown[0]))
    code, kind = _code(_field("code", data.get("code", "")))
    purpose = _field("purpose", data.get("purpose", ""), MAX_PURPOSE, required=False)
    if kind == CodeKind.PERSON and not purpose:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "查询自然人必须写明查询目的（授权书编号或法定职责）：purpose。"))
    return CheckRequest(item=_field("item", data.get("item", "")),
                        case_no=_field("case_no", data.get("case_no", "")),
                        code=code, kind=kind, purpose=purpose)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)
