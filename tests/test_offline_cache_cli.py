"""`offline-cache`, the platform operator's side, end to end: keygen, root, build (CSV and
JSON-lines sources), delta, sign, verify; and what a hall receives from it installs and answers.
Build errors name the file, the line and the column."""
from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from snapshot_fixtures import NOW, deploy

from desktop.app.cli import main as desk
from offline_cache.cli import main as publisher

ORG_A = "91440106MA9P6N4D3U"
ORG_B = "924401054472639900"
PERSON = "440303200002106268"
BASIS = "《最高人民法院关于公布失信被执行人名单信息的若干规定》"

# A small, complete source export: each table's rows in column order (CSV text values).
TABLES = {
    "lists": (["list_code", "list_name", "severity", "authority", "basis"], [
        ["SXBZXR", "失信被执行人", "black", "最高人民法院", BASIS],
        ["NSXYA", "A级纳税人", "red", "国家税务总局", "《纳税信用管理办法（试行）》"],
    ]),
    "subjects": (["code", "name", "kind"], [
        [ORG_A, "广州市澄瀚贸易有限公司", "org"],
        [ORG_B, "广州市越秀区李记小吃店", "org"],
        [PERSON, "陈志伟", "person"],
    ]),
    "items": (["item_code", "name", "department"], [
        ["CZ-001", "政府采购供应商资格审查", "财政局"],
    ]),
    "measures": (["measure_id", "list_code", "nature", "category", "content", "basis", "mandatory",
                  "target", "effect", "basis_level", "catalogue_ref"], [
        ["M-SX-01", "SXBZXR", "punish", "限制参与政府采购", "依法限制参与政府采购活动", BASIS, "true",
         "any", "refuse", "law", ""],
        ["M-NA-01", "NSXYA", "reward", "绿色通道", "优先办理", "《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》", "false",
         "org", "reward", "memorandum", ""],
    ]),
    "entries": (["entry_id", "subject_code", "list_code", "authority", "listed_on", "expires_on", "basis", "state"], [
        ["SX-1", ORG_A, "SXBZXR", "广州市中级人民法院", "2025-03-18", "", BASIS + "第一条", "active"],
        ["NA-1", ORG_B, "NSXYA", "国家税务总局广州市税务局", "2025-04-01", "2027-03-31", "年度评价", "active"],
    ]),
    "item_measures": (["item_code", "measure_id"], [["CZ-001", "M-SX-01"], ["CZ-001", "M-NA-01"]]),
}
BOOLEANS = {"mandatory"}
NULLABLE = {"expires_on", "catalogue_ref"}


def write_sources(folder: Path, tables=TABLES, jsonl: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        if name in jsonl:
            with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for row in rows:
                    obj = dict(zip(header, row))
                    for col in BOOLEANS & obj.keys():
                        obj[col] = obj[col] == "true"
                    for col in NULLABLE & obj.keys():
                        obj[col] = obj[col] or None
                    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows([header, *rows])
    return folder


def run(capsys, entry, *argv):
    code = entry([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def key(tmp_path, capsys):
    path = tmp_path / "keys" / "publisher.key"
    path.parent.mkdir()
    code, out, _ = run(capsys, publisher, "keygen", "--out", path)
    assert code == 0 and "密钥编号" in out
    return path


def publish_args(repo: Path, data: Path, version: int, key: Path, *extra):
    return ("publish", repo, data, "--version", version, "--data-as-of", (NOW - timedelta(hours=1)).isoformat(),
            "--targets-expires", (NOW + timedelta(days=30)).isoformat(), "--region", "440000", "--key", key, *extra)


def test_publish_and_install_end_to_end(capsys, tmp_path, key, desk_env):
    _, config = desk_env
    repo = tmp_path / "repo"
    code, out, err = run(capsys, publisher, "init", repo, "--key", key, "--threshold", 1, "--name", "广东省")
    assert code == 0 and "信任根第 1 版" in out, err
    root = repo / "metadata" / "1.root.json"

    pub = tmp_path / "pub"
    pub.mkdir()
    code, out, err = run(capsys, publisher, "build", write_sources(tmp_path / "src1"), "--out", pub / "v1.sqlite")
    assert code == 0 and "subjects 3" in out and "行/秒" in out and "分组表" in out, err
    assert run(capsys, publisher, *publish_args(repo, pub / "v1.sqlite", 1, key))[0] == 0
    code, out, _ = run(capsys, publisher, "verify", repo, "--root", root)
    assert code == 0 and "校验通过" in out and "第 1 版" in out

    # A hall trusting this root takes v1 from a copy of the repository (a USB stick).
    deploy(config, root)
    import shutil
    shutil.copytree(repo, tmp_path / "stick-1")
    assert run(capsys, desk, "cache", "import", tmp_path / "stick-1")[0] == 0
    code, out, _ = run(capsys, desk, "check", ORG_B, "--item", "CZ-001", "--json")
    assert json.loads(out)["severities"] == ["red"]

    # The next export: ORG_B leaves the red list, the person is listed; sources now JSON lines.
    tables = dict(TABLES)
    header, rows = TABLES["entries"]
    tables["entries"] = (header, [rows[0], ["SX-2", PERSON, "SXBZXR", "深圳市中级人民法院", "2026-11-01", "",
                                            BASIS, "active"]])
    src2 = write_sources(tmp_path / "src2", tables, jsonl=("entries", "measures", "subjects"))
    assert run(capsys, publisher, "build", src2, "--out", pub / "v2.sqlite")[0] == 0
    code, out, _ = run(capsys, publisher, "delta", pub / "v1.sqlite", pub / "v2.sqlite", "--out", pub / "d12.sqlite")
    # The person, unlisted in v1 and so not published, comes in with the entry (2 rows); each
    # build seals persons under a salt of its own (1 row replaced); ORG_B's entry goes.
    assert code == 0 and "更新或新增 3 行，删除 2 行" in out and "个分组" in out
    code, out, err = run(capsys, publisher, *publish_args(repo, pub / "v2.sqlite", 2, key, "--delta",
                                                          f"1={pub / 'd12.sqlite'}"))
    assert code == 0 and "1 个增量" in out, err
    code, out, _ = run(capsys, publisher, "verify", repo, "--root", root)
    assert code == 0 and "第 2 版" in out

    # The hall takes the delta.
    shutil.copytree(repo, tmp_path / "stick-2")
    code, out, err = run(capsys, desk, "cache", "import", tmp_path / "stick-2")
    assert code == 0, err
    code, out, _ = run(capsys, desk, "cache", "status")
    assert "第 2 版（增量）" in out
    code, out, _ = run(capsys, desk, "check", ORG_B, "--item", "CZ-001", "--json")
    assert (code, json.loads(out)["status"], json.loads(out)["snapshot_version"]) == (0, "clear", 2)
    code, out, _ = run(capsys, desk, "check", PERSON, "--item", "CZ-001", "--json", "--purpose", "依法履职")
    assert json.loads(out)["severities"] == ["black"]

    # Key rotation: a new targets key, root v2 signed by the old root key; the desk follows.
    new = tmp_path / "keys" / "next.key"
    assert run(capsys, publisher, "keygen", "--out", new)[0] == 0
    code, out, err = run(capsys, publisher, "rotate", repo, "--role", "targets", "--key", f"{new}.pub",
                         "--threshold", 1, "--sign-with", key)
    assert code == 0 and "信任根第 2 版" in out, err
    tables["entries"] = (header, [rows[0]])
    assert run(capsys, publisher, "build", write_sources(tmp_path / "src3", tables), "--out", pub / "v3.sqlite")[0] == 0
    assert run(capsys, publisher, *publish_args(repo, pub / "v3.sqlite", 3, new, "--online-key", key))[0] == 0
    shutil.copytree(repo, tmp_path / "stick-3")
    code, out, err = run(capsys, desk, "cache", "import", tmp_path / "stick-3")
    assert code == 0, err
    assert "第 2 版" in run(capsys, desk, "cache", "status")[1]


def test_keygen_writes_a_private_key_only_its_owner_reads(key):
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    public = json.loads(Path(f"{key}.pub").read_text())
    assert public["keytype"] == "ed25519" and "private" not in json.dumps(public)
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_keygen_refuses_to_overwrite_a_key(capsys, key):
    before = key.read_bytes()
    code, out, err = run(capsys, publisher, "keygen", "--out", key)
    assert code == 2 and "已存在" in err and "不会覆盖" in err
    assert key.read_bytes() == before


def test_console_script_runs(tmp_path):
    exe = Path(sys.executable).with_name("offline-cache")
    proc = subprocess.run([str(exe), "keygen", "--out", str(tmp_path / "k")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "密钥编号" in proc.stdout, proc.stderr


def test_publish_refuses_a_file_that_is_not_a_snapshot(capsys, tmp_path, key):
    repo = tmp_path / "repo"
    assert run(capsys, publisher, "init", repo, "--key", key)[0] == 0
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    before = sorted(p.name for p in (repo / "metadata").iterdir())
    code, _, err = run(capsys, publisher, *publish_args(repo, junk, 1, key))
    assert code == 2 and "不是快照数据文件" in err
    assert sorted(p.name for p in (repo / "metadata").iterdir()) == before


def test_bad_usage_is_explained(capsys, tmp_path, key):
    code, _, err = run(capsys, publisher, *publish_args(tmp_path / "repo", tmp_path / "x.sqlite", 0, key))
    assert code == 2 and "应为正整数" in err
    code, _, err = run(capsys, publisher, "verify", tmp_path / "repo", "--root", tmp_path / "nope.json")
    assert code == 2 and "找不到信任根文件" in err
    code, _, err = run(capsys, publisher, "init", tmp_path / "repo", "--key", f"{key}.pub")
    assert code == 2 and "私钥" in err


# --- build errors: file, line, column ---------------------------------------------------------

def with_row(table: str, index: int, column: str | None, value, rows_extra=()):
    tables = {k: (h, [list(r) for r in rows]) for k, (h, rows) in TABLES.items()}
    header, rows = tables[table]
    if column is not None:
        rows[index][header.index(column)] = value
    rows.extend(rows_extra)
    return tables


CSV_CASES = [
    # (tables, file, line, column, words)
    (with_row("lists", 1, "severity", "grey"), "lists.csv", 3, "severity", "应为 black/focus/red"),
    (with_row("entries", 0, "listed_on", "2026-13-01"), "entries.csv", 2, "listed_on", "不存在"),
    (with_row("entries", 1, "expires_on", "31/03/2027"), "entries.csv", 3, "expires_on", "YYYY-MM-DD"),
    (with_row("subjects", 2, "name", ""), "subjects.csv", 4, "name", "不能为空"),
    (with_row("measures", 0, "mandatory", "maybe"), "measures.csv", 2, "mandatory", "true/false"),
    (with_row("subjects", 0, None, None, [[ORG_A, "重复的公司", "org"]]), "subjects.csv", 5, "code",
     "重复（第 2 行已有）"),
    (with_row("entries", 0, "subject_code", "91440101MA00000000"), "entries.csv", 2, "subject_code",
     "在 subjects.csv 中不存在"),
    (with_row("item_measures", 1, "measure_id", "M-XX-99"), "item_measures.csv", 3, "measure_id", "不存在"),
    # issue 10: nothing about whom a measure binds or what it does defaults silently
    (with_row("measures", 0, "target", "company"), "measures.csv", 2, "target",
     "应为 org/person/legal_rep/principal/any"),
    (with_row("measures", 1, "effect", ""), "measures.csv", 3, "effect", "不能为空"),
    (with_row("measures", 0, "effect", "ban"), "measures.csv", 2, "effect", "应为 refuse/restrict"),
    (with_row("measures", 0, "basis_level", "notice"), "measures.csv", 2, "basis_level", "应为 law/"),
    # a mandatory punishment resting only on a memorandum: 国办发〔2020〕49号
    (with_row("measures", 0, "basis_level", "memorandum"), "measures.csv", 2, "basis_level",
     "措施 M-SX-01 是必须执行的惩戒措施，但依据层级为 memorandum"),
    (with_row("measures", 0, "basis_level", "dept_rule"), "measures.csv", 2, "basis_level", "M-SX-01"),
    (with_row("measures", 1, "effect", "refuse"), "measures.csv", 3, "effect", "激励措施"),
    # the court deletes or corrects its entries; the platform never repairs them
    (with_row("entries", 0, "state", "repaired"), "entries.csv", 2, "state", "由人民法院公布，不能为 repaired"),
    # a bucket's rows are hashed as text split by U+001E/U+001F: a value holding one is refused
    (with_row("subjects", 1, "name", "某某\x1f公司"), "subjects.csv", 3, "name", "U+001E 或 U+001F"),
    (with_row("entries", 1, "basis", "依据\x1e第二条"), "entries.csv", 3, "basis", "U+001E 或 U+001F"),
]


@pytest.mark.parametrize("tables,file,line,column,words", CSV_CASES,
                         ids=[f"{c[1]}:{c[2]}:{c[3]}" for c in CSV_CASES])
def test_build_error_names_file_line_and_column(capsys, tmp_path, tables, file, line, column, words):
    out = tmp_path / "out.sqlite"
    code, _, err = run(capsys, publisher, "build", write_sources(tmp_path / "src", tables), "--out", out)
    assert code == 2
    assert file in err and f"第 {line} 行" in err and f"列 {column}" in err and words in err, err
    assert not out.exists() and not list(tmp_path.glob(".out.sqlite*"))


def test_csv_row_with_a_missing_cell_names_its_line(capsys, tmp_path):
    src = write_sources(tmp_path / "src")
    with open(src / "subjects.csv", "a", encoding="utf-8") as fh:
        fh.write("91440101MA0000000X,只有两列\n")
    code, _, err = run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")
    assert code == 2 and "subjects.csv 第 5 行" in err and "应有 3 列，实际 2 列" in err


def test_csv_header_with_an_unknown_column(capsys, tmp_path):
    src = write_sources(tmp_path / "src")
    text = (src / "items.csv").read_text(encoding="utf-8").replace("department", "dept", 1)
    (src / "items.csv").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")
    assert code == 2 and "items.csv 第 1 行，列 dept" in err and "未知的列" in err


def test_csv_with_a_byte_order_mark_builds(capsys, tmp_path):
    src = write_sources(tmp_path / "src")
    (src / "lists.csv").write_bytes(b"\xef\xbb\xbf" + (src / "lists.csv").read_bytes())
    assert run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")[0] == 0


def jsonl_with(tmp_path, table: str, line_text: str) -> Path:
    src = write_sources(tmp_path / "src", jsonl=(table,))
    with open(src / f"{table}.jsonl", "a", encoding="utf-8") as fh:
        fh.write(line_text + "\n")
    return src


@pytest.mark.parametrize("table,text,line,column,words", [
    ("subjects", '{"code": "91440101MA0000000X", "name": "x", "kind": "org"', 4, None, "不是有效的 JSON"),
    ("subjects", '{"code": "91440101MA0000000X", "name": 123, "kind": "org"}', 4, "name", "应为文本"),
    ("subjects", '{"code": "91440101MA0000000X", "name": "某公司"}', 4, "kind", "缺少此列"),
    ("subjects", '{"code": "91440101MA0000000X", "name": "某公司", "kind": "org", "x": 1}', 4, "x", "未知的列"),
    ("subjects", '["91440101MA0000000X", "某公司", "org"]', 4, None, "JSON 对象"),
    ("measures", '{"measure_id": "M-9", "list_code": "SXBZXR", "nature": "punish", "category": "c", '
                 '"content": "c", "basis": "b", "mandatory": "perhaps", "target": "any", "effect": "refuse", '
                 '"basis_level": "law", "catalogue_ref": null}', 3, "mandatory", "true/false"),
    ("measures", '{"measure_id": "M-9", "list_code": "SXBZXR", "nature": "punish", "category": "c", '
                 '"content": "c", "basis": "b", "mandatory": true, "target": "any", "effect": "refuse", '
                 '"basis_level": "law", "catalogue_ref": 7}', 3, "catalogue_ref", "应为文本或 null"),
    ("entries", '{"entry_id": "E-9", "subject_code": "%s", "list_code": "SXBZXR", "authority": "a", '
                '"listed_on": "2026-02-30", "expires_on": null, "basis": "b", "state": "active"}' % ORG_A,
     3, "listed_on", "不存在"),
])
def test_jsonl_build_error_names_file_line_and_column(capsys, tmp_path, table, text, line, column, words):
    src = jsonl_with(tmp_path, table, text)
    code, _, err = run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")
    assert code == 2 and f"{table}.jsonl 第 {line} 行" in err and words in err, err
    if column:
        assert f"列 {column}" in err


def test_table_given_twice_or_not_at_all(capsys, tmp_path):
    src = write_sources(tmp_path / "src", jsonl=("items",))
    write_sources(tmp_path / "src", {"items": TABLES["items"]})
    code, _, err = run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")
    assert code == 2 and "同时有 CSV 和 JSONL" in err
    (src / "items.csv").unlink()
    (src / "items.jsonl").unlink()
    code, _, err = run(capsys, publisher, "build", src, "--out", tmp_path / "o.sqlite")
    assert code == 2 and "缺少 items 表" in err


def test_failed_build_keeps_the_previous_output(capsys, tmp_path):
    out = tmp_path / "v.sqlite"
    assert run(capsys, publisher, "build", write_sources(tmp_path / "good"), "--out", out)[0] == 0
    before = out.read_bytes()
    bad = write_sources(tmp_path / "bad", with_row("subjects", 0, "kind", "company"))
    code, _, err = run(capsys, publisher, "build", bad, "--out", out)
    assert code == 2 and "列 kind" in err and out.read_bytes() == before


def test_outputs_go_into_new_folders_and_an_impossible_place_is_explained(capsys, tmp_path):
    code, out, _ = run(capsys, publisher, "keygen", "--out", str(tmp_path / "keys" / "2026" / "a.key"))
    assert code == 0 and (tmp_path / "keys" / "2026" / "a.key.pub").is_file()
    sources = write_sources(tmp_path / "src")
    code, _, _ = run(capsys, publisher, "build", "--out", str(tmp_path / "release" / "v1.sqlite"),
                     str(sources))
    assert code == 0 and (tmp_path / "release" / "v1.sqlite").is_file()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, out, err = run(capsys, publisher, "build", "--out", str(blocker / "v1.sqlite"), str(sources))
    assert code == 2
    assert "Traceback" not in err and "Errno" not in err
    assert str(blocker) in err and "请检查路径和权限" in err
