"""`credit-desk items` and `credit-desk cache status` as IT staff and approval systems use them:
what is installed, and exit 3 whenever no valid snapshot can answer."""
from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from snapshot_fixtures import ITEM, KNOWN, NOW, deploy, pub  # noqa: F401

from desktop.app.cli import main as desk


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err



def installed_data() -> Path:
    store = Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"
    state = json.loads((store / "state.json").read_text(encoding="utf-8"))
    return store / "snapshots" / state["current"]["dir"] / "dataset.sqlite"


# --- no valid snapshot: exit 3 ----------------------------------------------------------------

def test_production_machine_without_a_snapshot(capsys, pub):
    code, out, err = run(capsys, "items", "--json")
    assert code == 3 and out == "" and "没有离线数据" in err and "导入" in err
    code, out, _ = run(capsys, "cache", "status")
    assert code == 3 and "不可用" in out and "没有离线数据" in out
    assert "test-province" in out and str(pub.root) in out


def test_expired_snapshot(capsys, pub):
    # Installed while valid; its expiry has passed since (the deployment's clock moved on).
    m = pub.publish(1, data_as_of=NOW - timedelta(days=2),
                           expires=datetime.now(timezone.utc) + timedelta(seconds=1.5))
    assert run(capsys, "cache", "import", m)[0] == 0
    time.sleep(1.6)
    code, out, err = run(capsys, "items")
    assert code == 3 and "过期" in err
    code, out, _ = run(capsys, "cache", "status")
    assert code == 3 and "过期" in out


def test_snapshot_past_the_deployments_max_age(capsys, pub, desk_env):
    assert run(capsys, "cache", "import", pub.publish(1, data_as_of=NOW - timedelta(hours=10)))[0] == 0
    deploy(desk_env[1], pub.root, warn=2, max_age=5)
    assert run(capsys, "items")[0] == 3
    code, out, _ = run(capsys, "cache", "status")
    assert code == 3 and "最长可用期限" in out


def test_tampered_installed_snapshot(capsys, pub):
    """An insider's edit of the installed rows: the check that reads them cannot vouch; a code
    in an untouched bucket still can; an edited catalogue stops the item list."""
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    data = installed_data()
    conn = sqlite3.connect(data)
    with conn:
        conn.execute("UPDATE entries SET state = 'repaired' WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    code, out, _ = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    assert code == 3 and json.loads(out)["status"] == "unverified" and "被改动" in out
    assert run(capsys, "check", KNOWN["clear"][1], "--item", ITEM, "--offline")[0] == 0
    assert run(capsys, "items")[0] == 0
    conn = sqlite3.connect(data)
    with conn:
        conn.execute("UPDATE items SET name = name || '（改）'")
    conn.close()
    code, out, err = run(capsys, "items")
    assert code == 3 and "被改动" in err


# --- a valid snapshot ------------------------------------------------------------------------

def test_status_of_a_production_snapshot(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(7, data_as_of=NOW - timedelta(hours=3)))[0] == 0
    code, out, _ = run(capsys, "cache", "status")
    assert code == 0
    assert "第 7 版（完整快照）" in out and "地区 440000" in out and "3 小时前" in out
    assert "有效期至" in out and "test-province 第 1 版" in out
    assert "演示" not in out and "数据已较旧" not in out


def test_status_says_when_the_data_is_getting_old(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(1, data_as_of=NOW - timedelta(hours=60)))[0] == 0
    code, out, _ = run(capsys, "cache", "status")
    assert code == 0 and "数据已较旧" in out


def test_items_lists_codes_names_and_departments(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    code, out, _ = run(capsys, "items")
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(r) == 3 and all(r) for r in rows)
    assert ITEM in {r[0] for r in rows}
    code, out, _ = run(capsys, "items", "--json")
    items = [json.loads(line) for line in out.splitlines()]
    assert len(items) == len(rows) and set(items[0]) == {"item_code", "name", "department", "commitments"}


def test_items_search_by_code_name_or_department(capsys):
    code, out, _ = run(capsys, "items", "--json")
    items = [json.loads(line) for line in out.splitlines()]
    target = next(i for i in items if i["item_code"] == ITEM)
    for needle in (ITEM.lower(), target["name"][2:6], target["department"]):
        code, out, _ = run(capsys, "items", "--search", needle, "--json")
        found = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and target in found, needle
        assert all(needle.casefold() in (i["item_code"] + i["name"] + i["department"]).casefold() for i in found)
    assert len(found) < len(items)


def test_items_search_without_match(capsys):
    code, out, _ = run(capsys, "items", "--search", "不存在的事项名称")
    assert code == 0 and "没有符合条件的事项" in out
    code, out, _ = run(capsys, "items", "--search", "不存在的事项名称", "--json")
    assert code == 0 and out == ""


def test_demo_status_is_marked_demo(capsys):
    code, out, _ = run(capsys, "cache", "status")
    assert code == 0 and "演示数据 / DEMO DATA" in out and "（演示）" in out
    assert run(capsys, "check", KNOWN["black"], "--item", ITEM)[0] == 0
