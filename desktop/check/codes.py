"""What a scanner or a clerk typed, turned into a code the check can trust, or refused with a reason.

Three steps: normalise (full-width, case, spaces, dashes, the Enter/Tab a keyboard-wedge scanner
appends), reduce a business-licence QR URL to the code it carries, classify by check digit:

* unified social credit code, GB 32100-2015: 登记管理部门 (1 char) + 机构类别 (1) + 行政区划 (6
  digits) + 主体标识码 (9) + check (1), alphabet 0-9 and A-Y without I O S V Z;
* resident identity number, GB 11643-1999: 17 digits + check (0-9 or X), birth date inside.

The check digits come from python-stdnum. Its ``uscc.validate`` insists that the first eight
characters are digits, which refuses lawful codes registered by other authorities (``Y1…``,
``N2…``), so the format is checked here against the standard and only the digit is delegated.

A check digit only catches slips; the structure is checked too, so that a code that cannot have
been issued is refused with the part that is wrong: the registration department and institution
category (GB 32100-2015 table 1 and its later additions), the administrative-division code (the
division table python-stdnum ships as ``cn/loc.dat``, with the years each code was in force), and
the GB 11714 check character of the organisation code embedded in positions 9–17. A credit code
carries the division code of its registering authority at issue, from 2015 on, so a code retired
before 2015 cannot appear in it; an identity number keeps the code of its place of first issue
for life, so any code that ever existed is accepted there, retired ones included.

Each check digit catches every single-character change within its own kind (weights that are
never zero modulo the primes 31 and 11). An 18-digit string can be both kinds, though, so a
one-character slip in an all-digit code (个体工商户 codes often are) can, rarely, land on a valid
code of the *other* kind. It is then accepted as that kind: the characters are a lawful code, the
check digit cannot tell what was meant, and the result shows the kind and the subject's name, so
the clerk sees it is not the applicant. When both readings are valid, the identity reading wins,
so that a number that may be a person's is always masked and needs a case number. Likewise an
all-digit code that fails both checks is explained under both readings.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from urllib.parse import parse_qsl, unquote, urlsplit

from stdnum import numdb
from stdnum.cn import ric, uscc

from desktop.check.model import CodeKind, ParsedCode
from desktop.site.masking import SEPARATORS, mask_identity_numbers
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from desktop.site.text import quoted

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_SEPARATORS = re.compile(SEPARATORS + "+")
# A whole run of exactly 18: a code is never cut out of a longer opaque token.
_URL_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")


# GB 32100-2015 登记管理部门代码 → (department, {机构类别代码: category}); "A" and "N" were added
# after 2015 (军队单位, 农村集体经济组织).
REGISTRATION = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                   "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位（社会服务机构）", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("市场监督管理（工商）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业农村", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}
USCC_SINCE = 2015   # GB 32100-2015: credit codes were first issued from 1 October 2015
NATIONAL_REGION = "100000"  # registered by a national authority (e.g. 国家市场监督管理总局)
_ERA = re.compile(r"\[(\d*)-(\d*)\](.*)")


@functools.lru_cache(maxsize=8192)  # stdnum knows about 6,900 codes; a lookup walks its tree
def division_eras(region: str) -> tuple[tuple[int | None, int | None, str], ...]:
    """(first year, last year, name) of each time the six-digit division code was in force, from
    python-stdnum's table; () when the code never existed. None: open at that end."""
    parts = numdb.get("cn/loc").info(region)
    county = parts[-1][1].get("county") if len(parts) > 1 else None
    if county is None:
        return ()
    eras = []
    for part in county.split(","):
        m = _ERA.fullmatch(part)
        if m is None:
            eras.append((None, None, part))
        else:
            eras.append((int(m[1]) if m[1] else None, int(m[2]) if m[2] else None, m[3]))
    return tuple(eras)


def org_code_check(body: str) -> str:
    """GB 11714 check character of an eight-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(body, weights))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


class InvalidCode(UserError):
    """The input is not a code that can be checked. Nothing was queried."""
    exit_code = 2


def _invalid(template: str, **params) -> InvalidCode:
    return InvalidCode(Message(template, params))


def normalise(raw: str) -> str:
    """Half-width, upper case, no separators. NFKC folds full-width letters and digits (Ｘ → X);
    invisible format characters (zero-width spaces, bidi marks: copied from web pages and PDFs)
    go, so that lengths and positions are the ones the clerk sees."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if unicodedata.category(ch) != "Cf")
    return _SEPARATORS.sub("", text).upper()


def looks_like_url(text: str) -> bool:
    low = text.strip().lower()
    return "://" in low or low.startswith("www.")


def code_from_url(url: str) -> str:
    """The code a licence QR URL carries (query value or path segment), or InvalidCode.

    Newer licences carry an opaque identity token (市场主体身份码) rather than the code: then the
    URL holds no valid code, and guessing would check the wrong subject."""
    text = unicodedata.normalize("NFKC", url.strip())
    parts = urlsplit(text if "://" in text else "http://" + text)
    places = [v for _, v in parse_qsl(parts.query, keep_blank_values=True)]
    places += unquote(parts.path).split("/") + [unquote(parts.fragment)]
    found: list[str] = []
    for place in places:
        # Percent-decoding can bring back full-width characters NFKC could not see before.
        place = unicodedata.normalize("NFKC", place)
        # A value may itself be written with separators (9144-0106-…) or in lower case.
        for token in _URL_TOKEN.findall(place) + _URL_TOKEN.findall(_SEPARATORS.sub("", place)):
            token = token.upper()
            if _kind_of(token) is not None and token not in found:
                found.append(token)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise _invalid(QT_TRANSLATE_NOOP(
            "core", "二维码网址中有多个代码（{codes}），无法确定核查哪一个。请扫描代码条形码或手工输入代码。"),
            codes="、".join(found))
    raise _invalid(QT_TRANSLATE_NOOP(
        "core", "扫描到的二维码网址中没有统一社会信用代码（新版营业执照二维码可能只含市场主体身份码）。"
                "请扫描执照上的代码条形码，或手工输入18位代码。"))


def _id_birth_ok(code: str) -> bool:
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _kind_of(code: str) -> CodeKind | None:
    """The kind whose format, check digit and structure ``code`` satisfies, else None."""
    return _reading(code)[0]


def _reading(code: str) -> tuple[CodeKind | None, InvalidCode | None]:
    """(kind, None) for a valid code; else (None, what is wrong with the structure of a reading
    whose check digit passed, or None when no reading's check digit did)."""
    problems = []
    if _ID_RE.fullmatch(code) and _id_birth_ok(code) and ric.calc_check_digit(code) == code[17]:
        problem = _person_structure(code)
        if problem is None:
            return CodeKind.PERSON, None
        problems.append(problem)
    if _USCC_RE.fullmatch(code) and uscc.calc_check_digit(code) == code[17]:
        problem = _org_structure(code)
        if problem is None:
            return CodeKind.ORG, None
        problems.append(problem)
    return None, problems[0] if problems else None


def _person_structure(code: str) -> InvalidCode | None:
    if not division_eras(code[:6]):
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "身份证号码第1–6位“{region}”不是任何时期的行政区划代码（已撤销的代码也查不到）。请核对前6位。"),
            region=code[:6])
    return None


def _org_structure(code: str) -> InvalidCode | None:
    dept = REGISTRATION.get(code[0])
    if dept is None:
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "统一社会信用代码第1位“{char}”不是登记管理部门代码（应为 1–9、A、N、Y 之一）。请核对第1位。"),
            char=code[0])
    name, categories = dept
    if code[1] not in categories:
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "统一社会信用代码第2位“{char}”不是{department}部门登记的机构类别代码（应为 {allowed}）。请核对前两位。"),
            char=code[1], department=name, allowed="、".join(f"{k}（{v}）" for k, v in categories.items()))
    region = code[2:8]
    if region != NATIONAL_REGION:
        eras = division_eras(region)
        if not eras:
            return _invalid(QT_TRANSLATE_NOOP(
                "core", "统一社会信用代码第3–8位“{region}”不是有效的行政区划代码。请核对第3–8位。"),
                region=region)
        if all(end is not None and end < USCC_SINCE for _, end, _ in eras):
            last_end, last_name = max((end, n) for _, end, n in eras)
            return _invalid(QT_TRANSLATE_NOOP(
                "core", "统一社会信用代码第3–8位“{region}”（{name}）已于 {year} 年撤销，而统一社会信用代码 2015 年起才赋码，"
                        "不会使用该区划代码。请核对第3–8位。"),
                region=region, name=last_name, year=last_end)
    expected = org_code_check(code[8:16])
    if code[16] != expected:
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "统一社会信用代码第9–17位是组织机构代码，它的校验码（第17位）应为 {expected}，输入的是 {got}。请核对第9–17位。"),
            expected=expected, got=code[16])
    return None


def parse(raw: str) -> ParsedCode:
    """A checked code, or InvalidCode saying what is wrong in words a clerk can act on."""
    if raw is None or not raw.strip():
        raise _invalid(QT_TRANSLATE_NOOP("core", "请输入或扫描统一社会信用代码（18位）。"))
    if looks_like_url(raw):
        code = code_from_url(raw)
    else:
        code = normalise(raw)
    kind, problem = _reading(code)
    if kind is not None:
        return ParsedCode(code, kind)
    raise problem or _explain(code)


def _explain(code: str) -> InvalidCode:
    if len(code) == 15 and code.isdigit():
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "这是15位旧身份证号码，请改用18位公民身份号码。"))
    if len(code) != 18:
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "代码应为18位，输入的是 {n} 位：{code}。请核对后重新输入或扫描。"),
            n=len(code), code=quoted(mask_identity_numbers(code)))
    for pos, char in enumerate(code, 1):
        if char not in USCC_ALPHABET:
            return _invalid(QT_TRANSLATE_NOOP(
                "core", "第{pos}位“{char}”不是统一社会信用代码使用的字符（代码不使用 I、O、S、V、Z）。请核对。"),
                pos=pos, char=char)
    if not code[2:8].isdigit():
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "统一社会信用代码第3–8位应为行政区划数字，输入的是“{region}”。请核对。"),
            region=code[2:8])
    org_expected = uscc.calc_check_digit(code)
    if not (code[:17].isdigit() and code[17] in "0123456789X"):
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "统一社会信用代码校验失败：第18位校验码应为 {expected}，输入的是 {got}。请核对代码。"),
            expected=org_expected, got=code[17])
    # All digits: an identity number or an organisation code, and neither check passed.
    if not _id_birth_ok(code):
        return _invalid(QT_TRANSLATE_NOOP(
            "core", "校验失败：若是身份证号码，第7–14位“{born}”不是有效的出生日期；"
                    "若是统一社会信用代码，第18位校验码应为 {expected}，输入的是 {got}。请核对。"),
            born=code[6:14], expected=org_expected, got=code[17])
    return _invalid(QT_TRANSLATE_NOOP(
        "core", "校验失败：若是身份证号码，第18位校验码应为 {id_expected}；若是统一社会信用代码，"
                "第18位校验码应为 {expected}。输入的是 {got}，请核对。"),
        id_expected=ric.calc_check_digit(code), expected=org_expected, got=code[17])
