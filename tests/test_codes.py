"""What a scanner or a clerk types, as `desktop.check.codes.parse` takes it: normalised, reduced from a
licence QR URL, classified by check digit, or refused with a reason that names the problem."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import stdnum
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from desktop.check.codes import REGISTRATION, USCC_ALPHABET, InvalidCode, division_eras, org_code_check, parse
from desktop.check.model import CodeKind

ORG = "91440106MA9P6N4D3U"        # 有限责任公司, letters in the body
SOLE = "924401054472639900"       # 个体工商户, all digits
PERSON = "440303200002106268"
PERSON_X = "11010519491231002X"


def with_id_check(body: str) -> str:
    # stdnum's ric.calc_check_digit expects the whole number and ignores its last character.
    return body + ric.calc_check_digit(body + "0")


def refused(raw: str) -> str:
    with pytest.raises(InvalidCode) as info:
        parse(raw)
    return info.value.message.render()


def full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


# --- normalisation ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    ORG, ORG.lower(), full_width(ORG), full_width(ORG.lower()), f"  {ORG}  ", f"{ORG}\r\n", f"{ORG}\t",
    "9144-0106-MA9P-6N4D-3U", "9144 0106 MA9P 6N4D 3U", "9144\u30000106\u2014MA9P\u2013 6N4D-3U\n",
    "91440106－MA9P6N4D3U",  # full-width hyphen-minus from a Chinese input method
])
def test_organisation_code_survives_what_scanners_and_people_do_to_it(raw):
    assert parse(raw).code == ORG and parse(raw).kind is CodeKind.ORG


@pytest.mark.parametrize("raw", [PERSON_X, PERSON_X.lower(), full_width(PERSON_X.lower()),
                                 "110105 19491231 002x\r"])
def test_identity_number_with_x_check_digit(raw):
    parsed = parse(raw)
    assert (parsed.code, parsed.kind) == (PERSON_X, CodeKind.PERSON)
    assert parsed.masked == "110105********002X"


@pytest.mark.parametrize("code", ["Y1440100MJ0000000C", "N2440115MJL6TA0B9U", "52440100MJLCMT8H8R",
                                  "12440000455858980Q"])
def test_codes_of_other_registration_authorities_are_accepted(code):
    body = code[:16] + org_code_check(code[8:16])
    code = body + uscc.calc_check_digit(body)
    assert parse(code).kind is CodeKind.ORG


# --- licence QR URLs -------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    f"https://www.gsxt.gov.cn/corp-query-entprise-info-xxx.html?uniscid={ORG}",
    f"http://gsxt.gdgs.gov.cn/aiccips/GSpublicity/GSpublicityList.html?service=entInfo&regNo={ORG}&x=1",
    f"https://qr.example.gov.cn/licence/{ORG}",
    f"https://qr.example.gov.cn/licence/{ORG}/detail?lang=zh",
    f"https://qr.example.gov.cn/l?code={ORG.lower()}",
    "https://qr.example.gov.cn/l?code=9144-0106-MA9P-6N4D-3U",
    f"https://qr.example.gov.cn/l?code={quote(full_width(ORG))}",
    "https://qr.example.gov.cn/l?code=" + "".join(f"%{b:02X}" for b in ORG.encode()),
    f"HTTPS://QR.EXAMPLE.GOV.CN/L?CODE={ORG}\r\n",
    f"www.gsxt.gov.cn/q?uniscid={ORG}",
])
def test_code_is_taken_from_a_licence_qr_url(url):
    assert parse(url).code == ORG


@pytest.mark.parametrize("url", [
    "https://zwfw.samr.gov.cn/qrcode?id=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MAo4Zk",
    "https://qyxy.scjgj.gd.gov.cn/m?t=ey7Pq0aV2LmN9xRt5Kc8Wb3Hj6Fs1Dg4",
    # Every 18-character window of this numeric token is tried below: none may be taken.
    "https://qr.example.gov.cn/s?id=123456789012345678901234567890",
    "https://qr.example.gov.cn/s/a1b2c3",
])
def test_url_with_an_opaque_token_says_so_and_never_guesses(url):
    message = refused(url)
    assert "没有统一社会信用代码" in message and "条形码" in message and "手工输入" in message


def test_a_code_is_never_cut_out_of_a_longer_token():
    # A valid code hidden inside a longer run of letters and digits is part of some other token.
    for junk in ("A", "7", "x1"):
        assert "没有统一社会信用代码" in refused(f"https://qr.example.gov.cn/s?id={junk}{ORG}")
        assert "没有统一社会信用代码" in refused(f"https://qr.example.gov.cn/s/{ORG}{junk}")


def test_url_with_two_different_codes_is_refused():
    message = refused(f"https://qr.example.gov.cn/l/{ORG}?other={SOLE}")
    assert ORG in message and SOLE in message and "无法确定" in message


# --- refusals that name the problem ----------------------------------------------------------

def test_wrong_check_digit_names_the_right_one():
    message = refused(ORG[:17] + "0")
    assert "第18位校验码应为 U" in message and "输入的是 0" in message


@pytest.mark.parametrize("n", [17, 19, 1])
def test_wrong_length_says_how_many(n):
    raw = (ORG * 2)[:n]
    message = refused(raw)
    assert "应为18位" in message and f"输入的是 {n} 位" in message


@pytest.mark.parametrize("letter", "IOSVZ")
def test_forbidden_letter_names_position_and_letter(letter):
    message = refused(ORG[:10] + letter + ORG[11:])
    assert f"第11位“{letter}”" in message and "I、O、S、V、Z" in message


def test_region_part_must_be_digits():
    message = refused("91ABCDEFMA9P6N4D3U")
    assert "第3–8位" in message and "ABCDEF" in message


def test_identity_number_with_a_wrong_check_digit():
    message = refused(PERSON[:17] + "0")
    assert "身份证号码，第18位校验码应为 8" in message


def test_identity_number_with_an_impossible_birth_date():
    body = "44030320001310626"  # month 13
    message = refused(with_id_check(body))
    assert "出生日期" in message and "20001310" in message


def test_identity_number_born_in_the_future_is_refused():
    born = (date.today() + timedelta(days=30)).strftime("%Y%m%d")
    body = f"440303{born}123"
    assert "出生日期" in refused(with_id_check(body))


def test_all_digit_organisation_code_with_a_slip_is_explained_as_either_kind():
    # Before: "第7–14位不是有效的出生日期" alone, which sent the clerk looking for a birthday in a
    # 个体工商户 code.
    message = refused(SOLE[:17] + "1")
    assert "统一社会信用代码，第18位校验码应为 0" in message and "身份证号码" in message


def test_fifteen_digit_old_identity_number():
    assert "15位旧身份证" in refused("440303000210626")


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "\t"])
def test_empty_input_asks_for_a_code(raw):
    assert "请输入或扫描" in refused(raw)


def test_letter_in_an_identity_number_that_is_no_x():
    message = refused(PERSON[:17] + "A")
    assert "第18位校验码应为" in message


# --- properties ------------------------------------------------------------------------------

def _divisions() -> tuple[list[str], list[str]]:
    """Every six-digit code in python-stdnum's division table: (all, in force since 2015)."""
    all_codes, current = [], []
    province = None
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        code = province + line.split()[0]
        eras = division_eras(code)
        if eras:
            all_codes.append(code)
            if any(end is None or end >= 2015 for _, end, _ in eras):
                current.append(code)
    return all_codes, current


ALL_DIVISIONS, CURRENT_DIVISIONS = _divisions()
HEADS = [d + c for d, (_, cats) in REGISTRATION.items() for c in cats]


@st.composite
def org_codes(draw) -> str:
    head = draw(st.sampled_from(HEADS))
    region = draw(st.sampled_from(CURRENT_DIVISIONS + ["100000"]))
    body = draw(st.text(USCC_ALPHABET, min_size=8, max_size=8))
    code = head + region + body + org_code_check(body)
    return code + uscc.calc_check_digit(code)


@st.composite
def person_codes(draw) -> str:
    region = draw(st.sampled_from(ALL_DIVISIONS))
    born = draw(st.dates(date(1900, 1, 1), date.today()))
    seq = draw(st.integers(0, 999))
    return with_id_check(f"{region}{born:%Y%m%d}{seq:03d}")


def expected_kind(code: str) -> CodeKind:
    # The documented rule: a string valid as both kinds is read as an identity number.
    if code[:17].isdigit() and ric.calc_check_digit(code) == code[17]:
        try:
            born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
        except ValueError:
            return CodeKind.ORG
        if date(1900, 1, 1) <= born <= date.today() and division_eras(code[:6]):
            return CodeKind.PERSON
    return CodeKind.ORG


SEPARATORS = [" ", "-", "\u3000", "\u2014", "\u2013", "\uff0d", "_", ".", "·", "/"]


@st.composite
def mangled(draw, code: str) -> str:
    out = [draw(st.sampled_from(["", " ", "\t", "  "]))]
    for ch in code:
        if draw(st.booleans()):
            ch = ch.lower()
        if draw(st.booleans()):
            ch = full_width(ch)
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    out.append(draw(st.sampled_from(["", "\r", "\n", "\r\n", "\t", " "])))
    return "".join(out)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(org_codes(), person_codes()).flatmap(lambda c: st.tuples(st.just(c), mangled(c))))
def test_every_valid_code_survives_any_normalisable_mangling(pair):
    code, raw = pair
    parsed = parse(raw)
    assert parsed.code == code and parsed.kind is expected_kind(code)


@settings(max_examples=300)
@given(org_codes(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_no_single_change_of_an_organisation_code_passes_as_an_organisation_code(code, pos, char):
    assume(code[pos] != char)
    changed = code[:pos] + char + code[pos + 1:]
    try:
        parsed = parse(changed)
    except InvalidCode:
        return
    # The documented exception: an all-digit slip that lands on a valid identity number.
    assert parsed.kind is CodeKind.PERSON and changed[:17].isdigit()


@settings(max_examples=300)
@given(person_codes(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_no_single_change_of_an_identity_number_passes_as_an_identity_number(code, pos, char):
    assume(code[pos] != char)
    changed = code[:pos] + char + code[pos + 1:]
    try:
        parsed = parse(changed)
    except InvalidCode:
        return
    assert parsed.kind is CodeKind.ORG


def test_one_character_slips_across_kinds_are_rare_and_read_as_the_other_kind():
    """Exhaustively over every one-character change of a real-looking all-digit code: no change is
    accepted as its own kind, and the few accepted as the other kind are a small minority."""
    accepted = []
    for code in (SOLE, PERSON):
        own = expected_kind(code)
        for pos in range(18):
            for char in "0123456789X":
                changed = code[:pos] + char + code[pos + 1:]
                if changed == code:
                    continue
                try:
                    parsed = parse(changed)
                except InvalidCode:
                    continue
                assert parsed.kind is not own, changed
                accepted.append(changed)
    assert len(accepted) < 0.1 * 2 * 18 * 10


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(org_codes(), person_codes()).flatmap(lambda c: st.tuples(st.just(c), mangled(c))),
       st.sampled_from(["https://www.gsxt.gov.cn/q?uniscid={}", "https://qr.example.gov.cn/licence/{}",
                        "https://qr.example.gov.cn/l?lang=zh&code={}#top"]),
       st.booleans())
def test_every_valid_code_survives_mangling_inside_a_licence_qr_url(pair, template, encode):
    code, raw = pair
    # A "/" inside a code would be a path separator to any URL reader, not a typing slip.
    value = raw.strip().replace("/", "-")
    if encode:  # a QR generator percent-encodes what a URL should not carry raw
        value = quote(value, safe="")
    parsed = parse(template.format(value))
    assert parsed.code == code and parsed.kind is expected_kind(code)


# --- structure, not only the check digit (issue 10) --------------------------------------------

def org(head: str, region: str, body: str) -> str:
    """A credit code with both check characters right, whatever its structure."""
    code = head + region + body + org_code_check(body)
    return code + uscc.calc_check_digit(code)


@pytest.mark.parametrize("code, words", [
    (org("C1", "440106", "MA9P6N4D"), "第1位“C”不是登记管理部门代码"),
    (org("94", "440106", "MA9P6N4D"), "第2位“4”不是市场监督管理（工商）部门登记的机构类别代码"),
    (org("54", "440106", "MJ9P6N4D"), "第2位“4”不是民政部门登记的机构类别代码"),
    (org("91", "449999", "MA9P6N4D"), "第3–8位“449999”不是有效的行政区划代码"),
    # 东山区 was merged into 越秀区 in 2005: no credit code (issued since 2015) can carry it.
    (org("91", "440102", "MA9P6N4D"), "第3–8位“440102”（东山区）已于 2005 年撤销"),
])
def test_a_credit_code_with_a_good_check_digit_is_refused_for_its_structure(code, words):
    assert words in refused(code)


def test_the_embedded_organisation_code_check_character_is_checked():
    good = "91440106MA9P6N4D3U"
    body = good[8:16]
    wrong = next(c for c in "0123456789X" if c != good[16])
    code = good[:16] + wrong
    code += uscc.calc_check_digit(code)
    message = refused(code)
    assert "第9–17位是组织机构代码" in message and f"应为 {good[16]}" in message and f"输入的是 {wrong}" in message
    assert org_code_check(body) == good[16]


def test_real_codes_of_a_national_registration_and_of_other_authorities_pass():
    assert parse("91100000100003962T").kind is CodeKind.ORG      # 100000: a national registration
    assert parse(org("N2", "440115", "MJL6TA0B")).kind is CodeKind.ORG
    assert parse(org("Y1", "440100", "MJ000000")).kind is CodeKind.ORG


def test_identity_numbers_keep_retired_division_codes_but_not_invented_ones():
    # 440102 (东山区, until 2005): a person first issued there keeps the number for life.
    assert parse(with_id_check("44010219680512003")).kind is CodeKind.PERSON
    message = refused(with_id_check("44999919800101001"))
    assert "身份证号码第1–6位“449999”" in message


def test_identity_number_birth_date_part_is_named():
    assert "第7–14位“19800230”不是有效的出生日期" in refused(with_id_check("44010619800230001"))
