"""The smaller snapshot attacks of issue 12, as IT staff meet them: a same-version re-sign that
extends the expiry, an expiry in year 9999, a hot journal left beside the installed data, a
legitimate root rotation, hostile metadata bytes (deep nesting, lone surrogates, dates that
overflow), and the times the desk prints (China time, as everywhere else)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from snapshot_fixtures import ITEM, KNOWN, NOW, pub, resign, store_dir, tree  # noqa: F401

from desktop.app.cli import main as desk
from offline_cache.repository import load_signer
from offline_cache.store import SnapshotStore

CHINA = timezone(timedelta(hours=8))


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err



def check(capsys) -> dict:
    code, out, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    assert code in (0, 3), (out, err)
    return json.loads(out)



def installed_dir() -> Path:
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    return store_dir() / "snapshots" / state["current"]["dir"]


# -- a same-version re-sign with a later expiry --------------------------------------------------

def test_a_same_version_re_sign_with_a_later_expiry_is_installed_and_checks_vouch_again(capsys, pub):
    # Installed while it was valid; its targets expired since.
    repo = pub.publish(1, expires=NOW - timedelta(days=1))
    SnapshotStore(store_dir(), pub.root).install(repo, now=NOW - timedelta(days=2))
    result = check(capsys)
    assert result["status"] == "unverified" and "过期" in result["reason"]
    # The publisher re-signs the same data version with a later expiry.
    pub.repo.resign([load_signer(k) for k in pub.keys], expires={
        "targets": NOW + timedelta(days=30), "snapshot": NOW + timedelta(days=30),
        "timestamp": NOW + timedelta(days=7)})
    code, out, err = run(capsys, "cache", "import", pub.copy("v1-resigned"))
    assert code == 0, err
    assert "无需安装" not in out and "已安装离线数据第 1 版" in out
    result = check(capsys)
    assert result["status"] == "hit" and result["snapshot_version"] == 1
    # And the same folder again is now really nothing to do.
    code, out, _ = run(capsys, "cache", "import", pub.copy("v1-again"))
    assert code == 0 and "已是第 1 版，无需安装" in out


# -- year 9999 -----------------------------------------------------------------------------------

def test_an_expiry_in_year_9999_is_shown_not_a_crash(capsys, pub, tmp_path):
    end = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    code, out, err = run(capsys, "cache", "import", pub.publish(1, expires=end))
    assert code == 0, err
    code, out, err = run(capsys, "cache", "status")
    assert code == 0 and "有效期至：9999-12-31" in out, (out, err)
    assert check(capsys)["status"] == "hit"
    done = subprocess.run([sys.executable, "-m", "desktop", "--self-test"], env=dict(
        os.environ, CREDIT_DESK_SELFTEST_ONLY="snapshot"), capture_output=True, text=True,
        encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "有效期至 9999-12-31" in done.stdout


# -- a hot journal beside the installed data -----------------------------------------------------

_KILLED_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=DELETE")
conn.execute("PRAGMA cache_size=1")
conn.execute("BEGIN")
conn.execute("UPDATE entries SET authority = authority || 'x'")
conn.execute("UPDATE subjects SET name = name || 'x'")
print("ready", flush=True)
sys.stdin.readline()
"""


def test_a_hot_journal_beside_the_installed_data_makes_checks_unverified_not_a_crash(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    data = installed_dir() / "dataset.sqlite"
    os.chmod(data, 0o644)
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(data)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    journal = data.with_name(data.name + "-journal")
    assert journal.is_file() and journal.stat().st_size > 0
    # Unverified, with the reason and what to do (it was a traceback, then "unknown item").
    result = check(capsys)
    assert result["status"] == "unverified" and "重新导入快照" in result["reason"], result
    code, out, err = run(capsys, "cache", "status")
    assert code == 0 and "Traceback" not in err
    # Importing the same version again repairs the install.
    code, out, err = run(capsys, "cache", "import", pub.publish(2))
    assert code == 0, err
    assert check(capsys)["status"] == "hit"


def test_a_stray_wal_beside_the_installed_data_cannot_change_an_answer(capsys, pub, tmp_path):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    data = installed_dir() / "dataset.sqlite"
    # A write-ahead log made on a copy, holding an edit, dropped beside the installed file.
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(data.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    with conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    wal = copy.with_name(copy.name + "-wal")
    (data.with_name(data.name + "-wal")).write_bytes(wal.read_bytes())
    conn.close()
    result = check(capsys)
    assert result["status"] in ("hit", "unverified")
    assert result["status"] != "clear"


# -- a legitimate root rotation -----------------------------------------------------------------

def test_a_root_rotation_that_leaves_the_installed_snapshot_unverifiable_says_so(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    new_key = pub.new_key("next")
    root2 = pub.rotate({r: ([new_key], 1) for r in ("root", "targets", "snapshot", "timestamp")},
                       sign_with=[pub.keys[0], new_key])
    code, out, err = run(capsys, "cache", "import", root2)
    assert code == 0 and "信任根第 2 版" in out, err
    # Said at once, with what to do: not found out later at the counter.
    assert "第 1 版" in out and "无法" in out and "重新导入" in out, out
    code, out, _ = run(capsys, "cache", "status")
    assert code == 3 and "targets" in out


def test_a_root_rotation_keeping_the_targets_key_keeps_the_installed_snapshot(capsys, pub):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    new_key = pub.new_key("next-root")
    root2 = pub.rotate({"root": ([new_key], 1)}, sign_with=[pub.keys[0], new_key])
    code, out, err = run(capsys, "cache", "import", root2)
    assert code == 0 and "信任根第 2 版" in out, err
    assert "无法" not in out and "仍可使用" in out, out
    assert check(capsys)["status"] == "hit"


# -- hostile metadata bytes ---------------------------------------------------------------------

def nested(repo: Path) -> Path:
    (repo / "metadata" / "timestamp.json").write_text("[" * 200_000 + "]" * 200_000)
    return repo


def nested_targets(repo: Path) -> Path:
    (repo / "metadata" / "targets.json").write_text('{"signed": {"targets": ' + "[" * 200_000
                                                     + "]" * 200_000 + "}}")
    return repo


def lone_surrogate(repo: Path) -> Path:
    path = repo / "metadata" / "timestamp.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"_type"', '"x": "\\ud800", "_type"', 1), encoding="utf-8")
    return repo


def surrogate_bytes(repo: Path) -> Path:
    path = repo / "metadata" / "timestamp.json"
    path.write_bytes(path.read_bytes().replace(b'"_type"', b'"x": "\xed\xa0\x80", "_type"', 1))
    return repo


def overflowing_expiry(repo: Path) -> Path:
    path = repo / "metadata" / "timestamp.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    obj["signed"]["expires"] = "99999-12-31T23:59:59Z"
    path.write_text(json.dumps(obj), encoding="utf-8")
    return repo


@pytest.mark.parametrize("damage", [nested, nested_targets, lone_surrogate, surrogate_bytes,
                                    overflowing_expiry])
def test_hostile_metadata_is_exit_4_with_a_reason(capsys, pub, damage, tmp_path):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    before = tree(store_dir())
    repo = damage(pub.publish(2))
    share = tmp_path / "share"
    share.mkdir()
    repo = repo.rename(share / repo.name)
    for path in (repo, share):  # the repository, and a hall share holding it
        code, out, err = run(capsys, "cache", "import", path)
        assert code == 4, (out, err)
        assert "Traceback" not in err and "保持不变" in err
        assert tree(store_dir()) == before
    assert check(capsys)["snapshot_version"] == 1


def signed_with_custom(pub, **custom) -> Path:
    repo = pub.publish(2)

    def change(signed):
        for t in signed.targets.values():
            if t.custom.get("kind") == "full":
                t.unrecognized_fields["custom"] = dict(t.custom, **custom)
    return resign(repo, "targets", change, pub.keys)


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_data_date_that_overflows_china_time_is_exit_4(capsys, pub, as_of):
    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    repo = signed_with_custom(pub, data_as_of=as_of)
    code, out, err = run(capsys, "cache", "import", repo)
    assert code == 4 and "Traceback" not in err, (out, err)
    assert check(capsys)["snapshot_version"] == 1


# -- China time ---------------------------------------------------------------------------------

def test_the_expiry_refusal_says_china_time(capsys, pub):
    from offline_cache.repository import RoleKeys, load_public

    assert run(capsys, "cache", "import", pub.publish(1))[0] == 0
    expired = NOW.replace(hour=20, minute=30, second=0) - timedelta(days=1)  # 04:30 in China
    md = pub.repo.rotate_root({"root": RoleKeys((load_public(pub.keys[0]),), 1)},
                              [load_signer(pub.keys[0])], expires=expired)
    code, out, err = run(capsys, "cache", "import", pub.repo.metadata / f"{md.signed.version}.root.json")
    assert code == 4 and f"{expired.astimezone(CHINA):%Y-%m-%d} 04:30" in err, err
    assert "+00:00" not in err


def test_the_self_test_prints_china_time(capsys, pub):
    as_of = datetime(2026, 11, 30, 20, 15, tzinfo=timezone.utc)  # 2026-12-01 04:15 in China
    end = NOW.replace(hour=20, minute=0, second=0) + timedelta(days=20)
    repo = pub.publish(1, data_as_of=as_of, expires=end)
    assert run(capsys, "cache", "import", repo)[0] == 0
    done = subprocess.run([sys.executable, "-m", "desktop", "--self-test"], env=dict(
        os.environ, CREDIT_DESK_SELFTEST_ONLY="snapshot"), capture_output=True, text=True,
        encoding="utf-8", timeout=120)
    line = next(l for l in done.stdout.splitlines() if "离线数据 snapshot" in l)
    assert "数据截至 2026-12-01 04:15" in line, line
    assert f"有效期至 {end.astimezone(CHINA):%Y-%m-%d}" in line, line


# -- a stick of junk folders (break attempt 18) ----------------------------------------------------

def junk(stick: Path, count: int) -> None:
    for i in range(count):
        (stick / f"c{i:04d}" / "metadata").mkdir(parents=True)
        (stick / f"c{i:04d}" / "targets").mkdir()


def test_a_stick_of_junk_folders_is_refused_in_a_few_lines_and_a_good_one_among_them_wins(
        capsys, pub, tmp_path, caplog):
    """Every candidate is tried, but the refusal names three and counts the rest: 3,000 junk
    folders made a 240,000-character verdict and megabytes of log."""
    stick = tmp_path / "stick"
    junk(stick, 400)
    with caplog.at_level("WARNING"):
        code, _, err = run(capsys, "cache", "import", str(stick))
    assert code == 4
    assert "另有 397 个文件夹也不可用" in err and len(err) < 2000
    assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 4
    shutil.copytree(pub.publish(1), stick / "zz-good")  # sorted after the junk by name
    code, out, _ = run(capsys, "cache", "import", str(stick))
    assert code == 0 and "已安装离线数据第 1 版" in out
