"""The check path as a clerk's script or an approval system meets it: `credit-desk check`,
`items`, `cache status/import`, on the embedded demo data and on a production-style config."""
from __future__ import annotations

from desk_config import OPERATORS

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop.app.cli import main
from desktop.site.paths import demo_snapshot_dir, resources

KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
ITEM = KNOWN["item_with_measures"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, *argv):
    code, out, err = run(capsys, "check", *argv, "--json")
    return code, json.loads(out) if out.strip() else None, err


# --- the embedded demo default -------------------------------------------------------------

def test_black_list_hit_with_mandated_measures_right_after_install(capsys):
    code, r, _ = check_json(capsys, KNOWN["black"], "--item", ITEM, "--offline")
    assert code == 0
    assert r["status"] == "hit" and r["severities"] == ["black"]
    assert r["source"] == "offline" and r["demo"] is True and r["snapshot_version"] == 1
    assert r["data_as_of"] and r["item"]["item_code"] == ITEM
    assert any(m["mandatory"] and m["basis"] for m in r["measures"])
    assert all(m["list_code"] in {h["list_code"] for h in r["hits"]} for m in r["measures"])


def test_works_with_no_config_at_all(capsys, monkeypatch, tmp_path):
    """A fresh install: no CREDIT_DESK_CONFIG and no system-wide file, so the embedded demo."""
    from desktop.site import paths

    monkeypatch.delenv("CREDIT_DESK_CONFIG")
    monkeypatch.setattr(paths, "config_file", lambda: tmp_path / "etc" / "config.toml")
    code, r, err = check_json(capsys, KNOWN["black"], "--item", ITEM, "--offline")
    assert code == 0, err
    assert (r["status"], r["severities"], r["demo"], r["snapshot_version"]) == ("hit", ["black"], True, 1)


def test_readable_summary_says_demo_and_source(capsys):
    code, out, _ = run(capsys, "check", KNOWN["black"], "--item", ITEM)
    assert code == 0
    assert "命中名单" in out and "失信惩戒对象" in out
    assert "离线数据 第 1 版" in out and "演示数据 / DEMO DATA" in out
    assert "必须执行" in out


@pytest.mark.parametrize("name,severities", [("focus", ["focus"]), ("red", ["red"]),
                                             ("black_and_focus", ["black", "focus"])])
def test_each_severity(capsys, name, severities):
    code, r, _ = check_json(capsys, KNOWN[name], "--item", ITEM)
    assert code == 0 and r["status"] == "hit" and r["severities"] == severities


@pytest.mark.parametrize("name", ["repaired", "expired_only", "unknown_valid"])
def test_repaired_lapsed_and_unknown_subjects_are_clear(capsys, name):
    code, r, _ = check_json(capsys, KNOWN[name], "--item", ITEM)
    assert code == 0 and r["status"] == "clear" and r["measures"] == []


def test_clear_codes(capsys):
    for c in KNOWN["clear"]:
        code, r, _ = check_json(capsys, c, "--item", ITEM)
        assert (code, r["status"], r["hits"]) == (0, "clear", [])


def test_objection_is_a_hit_that_mandates_nothing(capsys):
    code, r, _ = check_json(capsys, KNOWN["objection"], "--item", ITEM)
    assert r["status"] == "hit"
    assert any(h["state"] == "objection" for h in r["hits"])
    assert not any(m["mandatory"] for m in r["measures"])
    assert any("异议" in n for n in r["notices"])


def test_hit_on_an_item_with_no_mapped_measure_is_information_only(capsys):
    code, r, _ = check_json(capsys, KNOWN["black"], "--item", KNOWN["item_without_mapping"])
    assert code == 0 and r["status"] == "hit" and r["measures"] == []
    assert any("仅供参考" in n for n in r["notices"])


def test_red_list_reward_measures(capsys):
    code, r, _ = check_json(capsys, KNOWN["red"], "--item", KNOWN["item_with_reward"])
    assert r["status"] == "hit" and r["measures"]
    assert {m["nature"] for m in r["measures"]} == {"reward"}


def test_identity_numbers_are_masked_in_output(capsys):
    person = KNOWN["person_black"]
    code, r, _ = check_json(capsys, person, "--item", ITEM, "--purpose", "依法履职")
    assert r["status"] == "hit" and r["kind"] == "person"
    assert r["code"] == person[:6] + "********" + person[-4:]
    assert person not in json.dumps(r, ensure_ascii=False)
    code, out, _ = run(capsys, "check", person, "--item", ITEM, "--purpose", "依法履职")
    assert person not in out and person[-4:] in out


def test_scanner_noise_and_full_width_input_are_normalised(capsys):
    mangled = "  " + KNOWN["black"].lower().translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}) + "\r\n"
    code, r, _ = check_json(capsys, mangled, "--item", ITEM)
    assert code == 0 and r["code"] == KNOWN["black"]


def test_invalid_code_is_refused_with_the_reason_and_nothing_is_queried(capsys):
    bad = KNOWN["black"][:-1] + ("0" if KNOWN["black"][-1] != "0" else "1")
    code, out, err = run(capsys, "check", bad, "--item", ITEM)
    assert code == 2 and out == ""
    assert "第18位校验码应为" in err
    assert not (Path(os.environ["CREDIT_DESK_HOME"]) / "cases.sqlite").exists()


def test_unknown_item_is_refused(capsys):
    code, out, err = run(capsys, "check", KNOWN["black"], "--item", "NO-SUCH-ITEM")
    assert code == 2 and "未知的办事事项" in err and "credit-desk items" in err


def test_items_search(capsys):
    code, out, _ = run(capsys, "items", "--json")
    items = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(items) >= 20 and ITEM in {i["item_code"] for i in items}
    target = next(i for i in items if i["item_code"] == ITEM)
    code, out, _ = run(capsys, "items", "--search", target["name"][:3], "--json")
    assert ITEM in out


def test_batch_runs_every_line_and_reports_invalid_ones(capsys, tmp_path):
    batch = tmp_path / "codes.csv"
    batch.write_text("名称,统一社会信用代码\n甲,%s\n乙,NOT-A-CODE\n丙,%s\n" % (
        KNOWN["black"], KNOWN["clear"][0]), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--batch", str(batch), "--item", ITEM, "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert [line.get("status", "invalid") for line in lines] == ["hit", "invalid", "clear"]
    # "line" is the file's own line (the header is line 1), where the clerk finds it.
    assert [line["line"] for line in lines] == [2, 3, 4]
    assert lines[1]["input"] == "NOT-A-CODE" and "应为18位" in lines[1]["error"]
    assert lines[0]["code"] == KNOWN["black"] and lines[2]["code"] == KNOWN["clear"][0]


def test_batch_of_plain_lines_prints_one_readable_line_per_code(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    # What a scanner leaves in a text file: mixed case, stray spaces, blank lines, CRLF.
    batch.write_bytes(("%s\r\n\r\n  %s \r\n%s\r\n" % (
        KNOWN["black"], KNOWN["focus"].lower(), KNOWN["clear"][0])).encode("utf-8"))
    code, out, err = run(capsys, "check", "--batch", str(batch), "--item", ITEM)
    assert code == 0, err
    assert out.splitlines() == [
        f"第 1 行 {KNOWN['black']}：命中名单（失信惩戒对象（黑名单））",
        f"第 3 行 {KNOWN['focus']}：命中名单（重点关注对象）",
        f"第 4 行 {KNOWN['clear'][0]}：未发现名单信息",
    ]


def test_batch_masks_identity_numbers(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    batch.write_text(KNOWN["person_black"] + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--batch", str(batch), "--item", ITEM, "--json",
                       "--purpose", "依法履职")
    assert code == 0 and KNOWN["person_black"] not in out and json.loads(out)["status"] == "hit"


@pytest.mark.parametrize("line", ["{p} 张三", "{p},", "{p}张三", "{a} {b} {c} 张三"])
def test_a_refused_batch_line_is_quoted_with_its_identity_number_masked(capsys, tmp_path, line):
    """A line copied from a spreadsheet with the name beside the number is refused (it is no
    code), and the refusal quotes the line: the number masked there too, on screen and in the
    JSON scripts keep (break attempt 21), the name still there to find the line by."""
    person = KNOWN["person_black"]
    batch = tmp_path / "codes.txt"
    batch.write_text(line.format(p=person, a=person[:6], b=person[6:14], c=person[14:]) + "\n",
                     encoding="utf-8")
    for extra in ((), ("--json",)):
        code, out, err = run(capsys, "check", "--batch", str(batch), "--item", ITEM, "--offline",
                             *extra)
        assert code == 2 and person[6:14] not in out + err
        assert person[:6] in out and person[-4:] in out
        if "张三" in line:
            assert "张三" in out


def test_batch_reads_a_gbk_csv_from_a_chinese_spreadsheet(capsys, tmp_path):
    batch = tmp_path / "codes.csv"
    batch.write_bytes(f"名称,统一社会信用代码\n甲公司,{KNOWN['black']}\n".encode("gbk"))
    code, out, _ = run(capsys, "check", "--batch", str(batch), "--item", ITEM)
    assert code == 0 and out.startswith(f"第 2 行 {KNOWN['black']}：命中名单")


def test_batch_file_problems_are_named(capsys, tmp_path):
    code, out, err = run(capsys, "check", "--batch", str(tmp_path / "nope.txt"))
    assert code == 2 and out == "" and "nope.txt" in err and "文件不存在" in err
    code, _, err = run(capsys, "check", "--batch", str(tmp_path / "nope.txt"), KNOWN["black"])
    assert code == 2 and "不要同时给出" in err


def test_batch_with_an_unknown_item_is_one_error(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    batch.write_text(f"{KNOWN['black']}\n{KNOWN['focus']}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--batch", str(batch), "--item", "NO-SUCH-ITEM")
    assert code == 2 and out == "" and err.count("未知的办事事项") == 1


def test_console_script_is_installed_and_works(tmp_path):
    exe = Path(sys.executable).with_name("credit-desk")
    proc = subprocess.run([str(exe), "check", KNOWN["black"], "--item", ITEM, "--json"],
                          capture_output=True, text=True, env=os.environ, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "hit"


def test_cache_status_in_demo_mode(capsys):
    code, out, _ = run(capsys, "cache", "status")
    assert code == 0 and "第 1 版" in out and "演示" in out


# --- a production-style deployment: own trust root, age limits ------------------------------

@pytest.fixture
def production(tmp_path, desk_env):
    """A deployment with its own publisher keys and root, and the demo dataset published with
    them at chosen dates."""
    from snapshot_fixtures import Publisher

    _, config = desk_env
    pub = Publisher(tmp_path / "publisher")
    root = pub.root

    def publish(version: int, data_as_of: datetime, expires: datetime) -> Path:
        return pub.publish(version, data_as_of=data_as_of, expires=expires)

    def configure(warn=48, max_age=168):
        config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\n'
                          f'trust_root = "{root}"\nwarn_age_hours = {warn}\nmax_age_hours = {max_age}\n' + OPERATORS,
                          encoding="utf-8")
    configure()
    return publish, configure


NOW = datetime.now(timezone.utc)


def test_no_snapshot_and_no_platform_is_unverified(capsys, production):
    code, r, _ = check_json(capsys, KNOWN["black"], "--item", ITEM)
    assert code == 3 and r["status"] == "unverified" and r["hits"] == []
    assert "没有离线数据" in r["reason"] and r["demo"] is False


def test_fresh_snapshot_is_not_stale_and_not_demo(capsys, production):
    publish, _ = production
    manifest = publish(1, NOW - timedelta(hours=1), NOW + timedelta(days=30))
    assert run(capsys, "cache", "import", str(manifest))[0] == 0
    code, r, _ = check_json(capsys, KNOWN["black"], "--item", ITEM)
    assert (code, r["status"], r["stale"], r["demo"]) == (0, "hit", False, False)


def test_old_snapshot_is_flagged_stale(capsys, production):
    publish, _ = production
    run(capsys, "cache", "import", str(publish(1, NOW - timedelta(hours=60), NOW + timedelta(days=30))))
    code, r, _ = check_json(capsys, KNOWN["clear"][0], "--item", ITEM)
    assert (code, r["status"], r["stale"]) == (0, "clear", True)
    assert "数据已较旧" in run(capsys, "check", KNOWN["clear"][0])[1]


def test_snapshot_past_max_age_cannot_vouch(capsys, production):
    publish, configure = production
    run(capsys, "cache", "import", str(publish(1, NOW - timedelta(hours=10), NOW + timedelta(days=30))))
    configure(warn=2, max_age=5)
    code, r, _ = check_json(capsys, KNOWN["clear"][0], "--item", ITEM)
    assert code == 3 and r["status"] == "unverified" and "最长可用期限" in r["reason"]


def test_import_refuses_an_expired_snapshot_and_keeps_the_installed_one(capsys, production):
    publish, _ = production
    run(capsys, "cache", "import", str(publish(1, NOW - timedelta(hours=1), NOW + timedelta(days=30))))
    store = Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"
    before = sorted((p.relative_to(store), p.read_bytes()) for p in store.rglob("*") if p.is_file())
    code, out, err = run(capsys, "cache", "import", str(publish(2, NOW - timedelta(days=9), NOW - timedelta(days=1))))
    assert code == 4 and "过期" in err and "保持不变" in err
    after = sorted((p.relative_to(store), p.read_bytes()) for p in store.rglob("*") if p.is_file())
    assert before == after
    assert check_json(capsys, KNOWN["black"], "--item", ITEM)[1]["snapshot_version"] == 1


def test_import_refuses_the_demo_snapshot_under_a_production_root(capsys, production):
    code, _, err = run(capsys, "cache", "import", str(demo_snapshot_dir()))
    assert code == 4 and "签名" in err


def test_bad_config_names_key_and_line(capsys, desk_env):
    _, config = desk_env
    config.write_text('[site]\nhall = "1"\nwindw = "2"\n', encoding="utf-8")
    code, out, err = run(capsys, "check", KNOWN["black"])
    assert code == 2 and "第 3 行" in err and "site.windw" in err


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`credit-desk check --batch big.txt --json | head -1`: the pipe closes under the writer."""
    batch = tmp_path / "codes.txt"
    batch.write_text((KNOWN["black"] + "\n") * 3000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "check", "--batch", str(batch),
                             "--item", ITEM, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy())
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    assert json.loads(first)["status"] == "hit"
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_times_read_in_china_time_whatever_the_machine_zone(capsys):
    """The demo data is as of 2026-11-20T00:00Z: a hall reads 08:00, also on a UTC-set PC."""
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        code, out, _ = run(capsys, "check", KNOWN["black"], "--item", ITEM)
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
    assert code == 0 and "数据截至 2026-11-20 08:00" in out
