"""`credit-desk --self-test` from source, as an installer runs it: the real command in its own
process (so a missing Qt plugin or resource cannot be masked by the test's own QApplication), on
the real demo data, against a real clerk home that it must leave untouched."""
from __future__ import annotations

from desk_config import OPERATORS

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def self_test(*, cwd: Path = REPO, extra_path: Path | None = None, **env) -> subprocess.CompletedProcess:
    environment = dict(os.environ, **env)
    if extra_path is not None:
        # A copied installation shadows the editable install: sys.path wins over its finder.
        environment["PYTHONPATH"] = str(extra_path)
    return subprocess.run([sys.executable, "-m", "desktop", "--self-test"], cwd=cwd, env=environment,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def probe_line(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if name in line and line.startswith("["))


def copy_install(tmp_path: Path) -> Path:
    """A source installation of its own, to break without touching the checkout."""
    root = tmp_path / "install"
    for folder in ("desktop", "offline_cache", "resources"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_healthy_install_passes_with_every_check_listed_and_the_home_untouched(desk_env):
    home, _config = desk_env
    done = self_test()
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "结论 verdict: PASS" in out
    from desktop import __version__

    assert f"版本 version:    {__version__}" in out
    assert "commit " in out and str(home) in out
    for name in ("导入 imports", "Qt 平台 Qt platform", "资源 resources", "信任根 trust root",
                 "离线数据 snapshot", "演示核查 demo check", "窗口 window"):
        assert probe_line(out, name).startswith(("[OK  ]", "[WARN]")), out
    assert "91440106MA9P6N4D3U" in probe_line(out, "演示核查") and "命中失信名单" in out
    assert "链完整" in probe_line(out, "演示核查")
    assert "办事事项" in probe_line(out, "窗口 window")
    # The demo check and the window ran in scratch folders: nothing was installed or recorded.
    assert list(home.iterdir()) == []


def test_a_data_folder_under_a_file_is_named_as_the_problem_not_the_trust_root(desk_env, tmp_path):
    """CREDIT_DESK_HOME under a file (a typo, /dev/null/x): the probes that read the home say
    so as every command does, where the trust root was blamed with a raw NotADirectoryError
    (break attempt 21)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    done = self_test(CREDIT_DESK_HOME=str(blocker / "home"))
    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("[FAIL]")]
    assert failed and all("Errno" not in line and "Error" not in line for line in failed), failed
    line = probe_line(done.stdout, "信任根 trust root")
    assert "CREDIT_DESK_HOME" in line and str(blocker) in line and "不是文件夹" in line


def test_missing_trust_root_fails_naming_the_file(tmp_path):
    install = copy_install(tmp_path)
    (install / "resources" / "trust" / "demo-root.json").unlink()
    done = self_test(cwd=tmp_path, extra_path=install)
    assert done.returncode == 1, done.stdout + done.stderr
    line = probe_line(done.stdout, "资源 resources")
    assert line.startswith("[FAIL]") and "trust/demo-root.json" in line and "重新安装" in line
    assert str(install / "resources") in line  # the copy was tested, not the checkout
    assert "结论 verdict: FAIL" in done.stdout and "资源 resources" in done.stdout.splitlines()[-3]


def test_corrupt_icon_fails_icons_probe(tmp_path):
    install = copy_install(tmp_path)
    icons = sorted((install / "resources" / "icons").glob("*.svg"))
    assert icons, "the window's icons are bundled resources"
    icons[0].write_text("<svg broken", encoding="utf-8")
    done = self_test(cwd=tmp_path, extra_path=install)
    assert done.returncode == 1
    line = probe_line(done.stdout, "图标样式")
    assert line.startswith("[FAIL]") and icons[0].name in line


def test_bad_deployment_config_fails_with_key_and_line(desk_env):
    _home, config = desk_env
    config.write_text('[site]\nhall = "440106-01"\nwindw = "12"\n', encoding="utf-8")
    done = self_test()
    assert done.returncode == 1
    line = probe_line(done.stdout, "配置 config")
    assert line.startswith("[FAIL]") and "site.windw" in line and "第 3 行" in line


def test_tampered_installed_snapshot_fails_and_is_left_as_found(desk_env):
    home, _config = desk_env
    # The clerk's first start installs the demo snapshot.
    subprocess.run([sys.executable, "-m", "desktop", "cache", "status"], check=True,
                   capture_output=True, env=os.environ)
    dataset = next((home / "snapshot").rglob("dataset.sqlite"))
    # What an insider would try: take a listed subject off the list in the installed data.
    import sqlite3
    conn = sqlite3.connect(dataset)
    with conn:
        conn.execute("DELETE FROM entries WHERE entry_id = (SELECT MIN(entry_id) FROM entries)")
    conn.close()
    data = dataset.read_bytes()
    before = sorted((p.relative_to(home), p.stat().st_size) for p in home.rglob("*") if p.is_file())

    done = self_test()
    assert done.returncode == 1
    line = probe_line(done.stdout, "离线数据 snapshot")
    assert line.startswith("[FAIL]") and "校验失败" in line
    assert dataset.read_bytes() == bytes(data)
    after = sorted((p.relative_to(home), p.stat().st_size) for p in home.rglob("*") if p.is_file())
    assert after == before


def test_installed_snapshot_is_reported(desk_env):
    subprocess.run([sys.executable, "-m", "desktop", "cache", "status"], check=True,
                   capture_output=True, env=os.environ)
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="snapshot")
    assert done.returncode == 0
    line = probe_line(done.stdout, "离线数据 snapshot")
    assert line.startswith("[OK  ]") and "第 1 版" in line and "演示数据" in line
    # Only the asked-for probe (and the Qt platform it relies on) ran.
    assert "演示核查" not in done.stdout


def test_skipped_probe_is_named_in_the_verdict_and_not_run(desk_env, tmp_path):
    """The Windows installer's run: as the administrator, whose keyring never holds a clerk's
    platform secret, so a production config would otherwise fail every install."""
    from snapshot_fixtures import Publisher

    _home, config = desk_env
    config.write_text(f'[platform]\nbase_url = "http://127.0.0.1:9"\napp_key = "hall-1"\n\n'
                      f'[snapshot]\ntrust_root = "{Publisher(tmp_path / "publisher").root}"\n' + OPERATORS,
                      encoding="utf-8")
    env = {"PYTHON_KEYRING_BACKEND": "memory_keyring.FileKeyring",  # an empty keyring
           "TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
           "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO)])}
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="config,secret", **env)
    assert done.returncode == 1 and probe_line(done.stdout, "平台密钥").startswith("[FAIL]")
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="config,secret", CREDIT_DESK_SELFTEST_SKIP="secret",
                     **env)
    assert done.returncode == 0, done.stdout
    assert probe_line(done.stdout, "配置 config").startswith("[OK  ]")
    assert probe_line(done.stdout, "平台密钥").startswith("[SKIP]")
    assert "结论 verdict: PASS" in done.stdout
    done = self_test(CREDIT_DESK_SELFTEST_SKIP="secrets")
    assert done.returncode == 2 and "CREDIT_DESK_SELFTEST_SKIP" in done.stderr


@pytest.mark.parametrize("only", ["bogus", "window,nope"])
def test_unknown_probe_name_is_refused(only):
    done = self_test(CREDIT_DESK_SELFTEST_ONLY=only)
    assert done.returncode == 2
    assert "未知的检查项" in done.stderr and "window" in done.stderr
    assert "verdict" not in done.stdout


def test_build_stamp_is_printed(tmp_path):
    install = copy_install(tmp_path)
    (install / "resources" / "build-info.json").write_text(
        '{"version": "0.1.0", "commit": "abc123def456", "built": "2026-11-25T05:00:00Z", '
        '"kind": "frozen"}', encoding="utf-8")
    done = self_test(cwd=tmp_path, extra_path=install, CREDIT_DESK_SELFTEST_ONLY="resources")
    assert "构建 build:      frozen, commit abc123def456, built 2026-11-25T05:00:00Z" in done.stdout


def test_production_deployment_from_it_setup_to_pass(desk_env, tmp_path):
    """An installer's path: a production config names the province's root and the platform; the
    self-test says what is still missing, IT supplies it, the self-test passes."""
    from snapshot_fixtures import Publisher

    home, config = desk_env
    publisher = Publisher(tmp_path / "publisher")
    config.write_text(f'[platform]\nbase_url = "http://127.0.0.1:9"\napp_key = "hall-440106-01"\n\n'
                      f'[site]\nhall = "440106-01"\nwindow = "12"\n\n'
                      f'[snapshot]\ntrust_root = "{publisher.root}"\n' + OPERATORS, encoding="utf-8")
    keyring_env = {"PYTHON_KEYRING_BACKEND": "memory_keyring.FileKeyring",
                   "TEST_KEYRING_FILE": str(tmp_path / "keyring.json")}
    run_env = dict(keyring_env, PYTHONPATH=os.pathsep.join([str(REPO / "tests"), str(REPO)]))

    first = self_test(**run_env)
    assert first.returncode == 1
    assert probe_line(first.stdout, "信任根").startswith("[OK  ]") and "正式" in first.stdout
    assert probe_line(first.stdout, "离线数据 snapshot").startswith("[WARN]")
    secret_line = probe_line(first.stdout, "平台密钥")
    assert secret_line.startswith("[FAIL]") and "credit-desk secrets set hall-440106-01" in secret_line

    env = dict(os.environ, **run_env)
    subprocess.run([sys.executable, "-m", "desktop", "secrets", "set", "hall-440106-01"],
                   input="s3cret-value\n", text=True, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "desktop", "cache", "import", str(publisher.publish(1))],
                   env=env, check=True, capture_output=True)

    second = self_test(**run_env)
    assert second.returncode == 0, second.stdout
    assert probe_line(second.stdout, "离线数据 snapshot").startswith("[OK  ]")
    assert probe_line(second.stdout, "平台密钥").startswith("[OK  ]")
    assert "s3cret-value" not in second.stdout + second.stderr


def test_production_config_with_the_demo_root_fails(desk_env):
    _home, config = desk_env
    demo_root = REPO / "resources" / "trust" / "demo-root.json"
    config.write_text(f'[snapshot]\ntrust_root = "{demo_root}"\n', encoding="utf-8")
    done = self_test()
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("[FAIL]")]
    assert failed and all("演示" in line for line in failed), done.stdout


def test_no_keyring_backend_is_a_warning_that_says_how(desk_env, tmp_path):
    """IT often runs the self-test over SSH, outside the clerk's desktop session and its keyring."""
    from snapshot_fixtures import Publisher

    _home, config = desk_env
    publisher = Publisher(tmp_path / "publisher")
    config.write_text(f'[platform]\nbase_url = "http://127.0.0.1:9"\napp_key = "hall-1"\n\n'
                      f'[snapshot]\ntrust_root = "{publisher.root}"\n' + OPERATORS, encoding="utf-8")
    done = self_test(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                     CREDIT_DESK_SELFTEST_ONLY="secret")
    line = probe_line(done.stdout, "平台密钥")
    assert line.startswith("[WARN]") and "PYTHON_KEYRING_BACKEND" in line
    assert done.returncode == 0


def test_trust_root_in_force_follows_an_accepted_rotation(desk_env, tmp_path):
    from snapshot_fixtures import Publisher, deploy

    _home, config = desk_env
    publisher = Publisher(tmp_path / "publisher")
    deploy(config, publisher.root)
    new_key = publisher.new_key("next")
    rotation = publisher.rotate({r: ([new_key], 1) for r in ("root", "targets", "snapshot", "timestamp")},
                                sign_with=[publisher.keys[0], new_key])
    subprocess.run([sys.executable, "-m", "desktop", "cache", "import", str(rotation)],
                   check=True, capture_output=True, env=os.environ)
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="trust")
    line = probe_line(done.stdout, "信任根")
    assert line.startswith("[OK  ]") and "test-province 第 2 版（由第 1 版轮换）" in line
    assert str(publisher.root) in line


def test_a_file_keyring_is_a_warning_and_no_credential_is_printed(desk_env, tmp_path):
    from snapshot_fixtures import Publisher

    home, config = desk_env
    publisher = Publisher(tmp_path / "publisher")
    config.write_text(f'[platform]\nbase_url = "http://127.0.0.1:9"\napp_key = "hall-440106-01"\n\n'
                      f'[snapshot]\ntrust_root = "{publisher.root}"\n' + OPERATORS, encoding="utf-8")
    store = tmp_path / "keyring.json"
    store.write_text('{"credit-desk/hall-440106-01": "s3cret-value"}', encoding="utf-8")
    env = {"PYTHON_KEYRING_BACKEND": "memory_keyring.PlaintextFileKeyring", "TEST_KEYRING_FILE": str(store),
           "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO)])}
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="config,secret", **env)
    line = probe_line(done.stdout, "平台密钥")
    assert line.startswith("[WARN]") and str(store) in line and "不受操作系统保护" in line
    assert "s3cret-value" not in done.stdout + done.stderr

    # Credentials in the platform address: refused, and never repeated in the verdict.
    config.write_text(config.read_text(encoding="utf-8").replace(
        "http://127.0.0.1:9", "http://clerk:hunter2@127.0.0.1:9"), encoding="utf-8")
    done = self_test(CREDIT_DESK_SELFTEST_ONLY="config,secret", **env)
    assert done.returncode == 1
    assert probe_line(done.stdout, "配置 config").startswith("[FAIL]") and "不能含用户名或密码" in done.stdout
    assert "hunter2" not in done.stdout + done.stderr
