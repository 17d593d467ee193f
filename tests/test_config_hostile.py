"""The deployment config and the first start as IT meets them when something is off: numbers
written for "no limit", an escape typed into a path, valid TOML spelled without [table] headers,
the config variable naming a folder, and a home folder on a full disk. Each one is said in words,
with the key and line or the folder to fix, never as 意外错误; real config files, the command line
as shipped."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from casefile_fixtures import IS_ROOT
from desk_config import OPERATORS
from snapshot_fixtures import ITEM, KNOWN, Publisher

from desktop.app.cli import main as desk


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys):
    return run(capsys, "check", KNOWN["black"], "--item", ITEM, "--offline")


def refused(capsys, config: Path, text: str) -> str:
    """The error both a check and `cache status` give for ``text``: exit 2, before anything runs."""
    config.write_text(text, encoding="utf-8")
    errors = []
    for argv in (("check", KNOWN["black"], "--item", ITEM, "--offline"), ("cache", "status")):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "意外错误" not in err and "请修正后重启" in err, (argv, code, out, err)
        errors.append(err)
    assert errors[0] == errors[1]
    return errors[0]


@pytest.fixture
def own_root(tmp_path) -> Path:
    return Publisher(tmp_path / "publisher").root


# -- 1. an age limit written as "no limit" ---------------------------------------------------------

@pytest.mark.parametrize("key", ["max_age_hours", "warn_age_hours"])
@pytest.mark.parametrize("hours", ["1e11", "1e300", "100000000000", "87601", "9" * 400])
def test_an_age_limit_past_ten_years_is_refused_at_load_naming_key_and_line(capsys, desk_env, key, hours):
    """1e11 hours passed every range check, and then every check and `cache status` failed with
    意外错误（OverflowError）: no timedelta holds it."""
    _, config = desk_env
    err = refused(capsys, config, f"# IT: no real limit\n[snapshot]\n{key} = {hours}\n")
    assert "第 3 行" in err and f"snapshot.{key} 不能超过 87600 小时" in err, err


def test_when_both_limits_are_too_large_the_one_that_stops_checks_is_named(capsys, desk_env):
    _, config = desk_env
    err = refused(capsys, config, "[snapshot]\nwarn_age_hours = 1e11\nmax_age_hours = 1e11\n")
    assert "第 3 行" in err and "snapshot.max_age_hours" in err, err


def test_ten_years_is_still_a_limit_the_desk_runs_with(capsys, desk_env):
    _, config = desk_env
    config.write_text("[snapshot]\nwarn_age_hours = 87600\nmax_age_hours = 87600.0\n", encoding="utf-8")
    code, out, err = check(capsys)
    assert code == 0 and "命中名单" in out, (code, out, err)
    assert run(capsys, "cache", "status")[0] == 0


def test_a_huge_integer_deadline_is_a_config_error_not_an_overflow(capsys, desk_env):
    """TOML integers have no size limit: float() of this one raised before the range check."""
    _, config = desk_env
    err = refused(capsys, config, '[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\n'
                                  f'deadline_seconds = {"9" * 400}\n')
    assert "第 4 行" in err and "platform.deadline_seconds 应在 0.2 到 60 秒之间" in err, err


# -- 2. path-valued keys with what no file name can hold -------------------------------------------

@pytest.mark.parametrize("table, body, key, line", [
    ("snapshot", 'trust_root = "root\\u0000.json"\n', "snapshot.trust_root", 2),
    ("snapshot", 'trust_root = "C:\\root.json"\n', "snapshot.trust_root", 2),  # "\\r" is a return in TOML
    ("snapshot", 'update_source = "\\\\\\\\hall\\\\share\\u0000"\n', "snapshot.update_source", 2),
    ("platform", 'base_url = "https://x.gov.cn"\napp_key = "k"\nca_bundle = "ca\\u0000.pem"\n',
     "platform.ca_bundle", 4),
])
def test_a_control_character_in_a_path_is_a_config_error_naming_the_key(capsys, desk_env, table, body, key, line):
    """A NUL made every file function raise ValueError: 意外错误（ValueError）, exit 1."""
    _, config = desk_env
    err = refused(capsys, config, f"[{table}]\n{body}")
    assert f"第 {line} 行" in err and f"配置项 {key} 含有控制字符" in err, err
    assert "\x00" not in err


def test_a_trust_root_that_cannot_be_looked_at_is_named_in_words(capsys, desk_env, tmp_path):
    _, config = desk_env
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    for name in (loop.as_posix(), "x" * 5000):  # a symlink loop; a name too long for any system
        err = refused(capsys, config, f'[snapshot]\ntrust_root = "{name}"\n')
        assert "第 2 行" in err and "配置项 snapshot.trust_root 指向的路径无法访问" in err, err
        assert "Errno" not in err


def test_a_trust_root_naming_its_folder_says_so(capsys, desk_env, own_root):
    _, config = desk_env
    err = refused(capsys, config, f'[snapshot]\ntrust_root = "{own_root.parent.as_posix()}"\n' + OPERATORS)
    assert "第 2 行" in err and "指向的是文件夹，不是文件" in err, err


# -- 3. the key's line, however TOML spells it ------------------------------------------------------

@pytest.mark.parametrize("text, line, key", [
    ("# deployment config\nsnapshot.warn_age_hours = -1\n", 2, "snapshot.warn_age_hours"),
    ("# deployment config\nsnapshot = { warn_age_hours = -1 }\n", 2, "snapshot.warn_age_hours"),
    ('# deployment config\n\n"snapshot" . "max_age_hours" = 0\n', 3, "snapshot.max_age_hours"),
    ("[ 'snapshot' ]  # quoted header\nwarn_age_hours = 1\n\n  max_age_hours = -5\n", 4,
     "snapshot.max_age_hours"),
    # A multi-line string that looks like the table is not the table.
    ('[site]\nhall_name = """\n[snapshot]\nwarn_age_hours = 1\n"""\n[snapshot]\nwarn_age_hours = -1\n', 7,
     "snapshot.warn_age_hours"),
    ("site.hall = '1'\nprinter = { name = 'x' }\n", 2, "printer"),
    ("[site]\nhall = '1'\n[operators]\nauth = 'os'\nos_map = { wangli = 'GZ-0117', lisi = 'no good' }\n", 5,
     "operators.os_map"),
    ("[operators]\nauth = 'os'\n\n[operators.os_map]\nwangli = 'no good'\n", 4, "operators.os_map"),
])
def test_a_bad_value_names_its_real_line_however_it_is_spelled(capsys, desk_env, text, line, key):
    """Dotted keys and inline tables were refused at "第 0 行", a line no editor has."""
    _, config = desk_env
    err = refused(capsys, config, text)
    assert f"第 {line} 行" in err and key in err and "第 0 行" not in err, err


def test_a_value_clashing_with_an_unwritten_default_names_its_table(capsys, desk_env, own_root):
    """warn_age_hours defaults to 48 in production: a max of 24 refuses it, at the [snapshot] line."""
    _, config = desk_env
    err = refused(capsys, config, f'[site]\nhall = "1"\n\n[snapshot]\ntrust_root = "{own_root.as_posix()}"\n'
                                  "max_age_hours = 24\n" + OPERATORS)
    assert "第 4 行" in err and "snapshot.warn_age_hours 不能大于 max_age_hours" in err, err


def test_a_table_the_file_lacks_is_named_without_a_line(capsys, desk_env, own_root):
    _, config = desk_env
    err = refused(capsys, config, f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n')
    assert "[operators]" in err and "第 0 行" not in err and " 行：" not in err, err


# -- 4. CREDIT_DESK_CONFIG naming the folder --------------------------------------------------------

def test_a_config_path_that_is_a_folder_says_so_and_what_to_write_instead(capsys, desk_env, tmp_path, monkeypatch):
    """It said "无法读取配置文件 DIR：[Errno 21] Is a directory: 13": Python's errno text and a
    file descriptor number."""
    folder = tmp_path / "credit-desk"
    folder.mkdir()
    monkeypatch.setenv("CREDIT_DESK_CONFIG", str(folder))
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for argv in (("check", KNOWN["black"], "--item", ITEM, "--offline"), ("cache", "status")):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "Errno" not in err and "意外错误" not in err, (code, err)
        assert f"配置文件路径 {folder} 是一个文件夹，不是文件" in err and str(folder / "config.toml") in err, err
    if before is not None:  # the folder's descriptor is not left open at each start
        assert len(os.listdir("/proc/self/fd")) <= before


# -- 5. the demo data on a full disk ----------------------------------------------------------------

@pytest.fixture
def tiny_home(tmp_path, monkeypatch):
    """CREDIT_DESK_HOME on a 256 KiB tmpfs: too small for the demo snapshot. A real full disk
    needs a mount, so root (as CI runs); elsewhere the forced-error tests below stand in."""
    if not IS_ROOT:
        pytest.skip("mounting a small file system needs root")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], check=True)
    monkeypatch.setenv("CREDIT_DESK_HOME", str(mnt / "home"))
    try:
        yield mnt
    finally:
        from desktop.site import log as applog

        applog.close()
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def left_in_store(home: Path) -> list[str]:
    store = home / "snapshot"
    return sorted(str(p.relative_to(store)) for p in store.rglob("*")) if store.exists() else []


def test_a_first_start_on_a_full_disk_is_unverified_naming_the_folder_then_works_once_there_is_room(
        capsys, tiny_home):
    """No config (the demo data installed into the home on first use) and a full disk: `check`
    and `cache status` ended with 意外错误（OSError: No space left on device）, exit 1."""
    store = tiny_home / "home" / "snapshot"
    for _ in range(2):  # and again: a failed install leaves nothing that stops the next one
        code, out, err = check(capsys)
        assert code == 3 and "意外错误" not in err, (code, out, err)
        assert f"演示数据无法安装到 {store}，所在磁盘已满" in out and "无法核验" in out, out
        code, out, err = run(capsys, "cache", "status")
        assert code == 3 and "意外错误" not in err and "所在磁盘已满" in out, (code, out, err)
        assert left_in_store(tiny_home / "home") == []
    subprocess.run(["mount", "-o", "remount,size=32m", str(tiny_home)], check=True)
    code, out, err = check(capsys)
    assert code == 0 and "命中名单" in out, (code, out, err)


@pytest.mark.parametrize("error, words", [
    (errno.ENOSPC, "所在磁盘已满"),
    (errno.EROFS, "只读或没有写入权限"),
    (errno.EIO, "请联系信息技术人员检查该磁盘"),
])
def test_a_demo_install_that_fails_at_its_last_write_leaves_nothing_half_installed(
        capsys, desk_env, monkeypatch, error, words):
    """The disk filling up (or going read-only) at the very end, while the register is written:
    unverified, and the next start installs the demo data as if nothing had happened."""
    from offline_cache import store

    home, _ = desk_env
    real = store._write_atomic

    def fail_at_the_register(path, data):
        if path.name == "state.json":
            raise OSError(error, os.strerror(error), str(path))
        return real(path, data)

    monkeypatch.setattr(store, "_write_atomic", fail_at_the_register)
    code, out, err = check(capsys)
    assert code == 3 and "意外错误" not in err and words in out, (code, out, err)
    assert left_in_store(home) == []
    monkeypatch.setattr(store, "_write_atomic", real)
    code, out, err = check(capsys)
    assert code == 0 and "命中名单" in out, (code, out, err)
