"""The deployment config as IT meets it: the commented example is valid, and every bad file is
refused naming the key and line (and the command exits 2 without touching anything)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from desk_config import OPERATORS
from reference_platform.publisher import Publisher

from desktop.app.cli import main
from desktop.site import config
from desktop.site.config import ConfigError
from desktop.site.paths import demo_trust_root

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_root(tmp_path) -> Path:
    return Publisher(tmp_path / "pub").root


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "deploy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(ConfigError) as exc:
        config.load(path)
    return str(exc.value.message)


def test_commented_example_config_is_valid_once_its_files_exist(tmp_path, own_root):
    text = (REPO / "build_scripts" / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace("/etc/credit-desk/root.json", own_root.as_posix())
    cfg = config.load(write(tmp_path, text))
    assert cfg.platform.base_url == "https://credit.example.gov.cn" and cfg.platform.deadline_seconds == 3.0
    assert cfg.site.window == "12" and cfg.snapshot.trust_root == own_root.resolve() and not cfg.demo


@pytest.mark.parametrize("body, line, words", [
    ('[platform]\nbase_url = "http://credit.example.gov.cn"\napp_key = "k"\n', 2, "必须是 https 地址"),
    ('[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\ndeadline_seconds = 0\n', 4, "0.2 到 60"),
    ('[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\ndeadline = 3\n', 4, "未知的配置项 platform.deadline"),
    ('[platform]\nbase_url = "https://x.gov.cn"\napp_key = 7\n', 3, "platform.app_key 的类型不对"),
    ('[platform]\nbase_url = "https://x.gov.cn"\n', 1, "缺少必填项 app_key"),
    ('[site]\nhall = "1"\n[printer]\nname = "x"\n', 3, "未知的配置节 [printer]"),
    ('[snapshot]\nwarn_age_hours = 200\nmax_age_hours = 100\n', 2, "不能大于 max_age_hours"),
])
def test_bad_values_are_refused_with_key_and_line(tmp_path, body, line, words):
    message = refused(write(tmp_path, body))
    assert f"第 {line} 行" in message and words in message and "请修正后重启" in message


def test_deadline_defaults_to_3_seconds_and_reaches_the_check(tmp_path, own_root, desk_env, monkeypatch):
    from desktop.desk.context import DeskContext

    path = write(tmp_path, f'[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\n'
                           f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n' + OPERATORS)
    monkeypatch.setenv("CREDIT_DESK_CONFIG", str(path))
    assert DeskContext.from_environment().checker.deadline == 3.0
    path.write_text(path.read_text().replace('app_key = "k"', 'app_key = "k"\ndeadline_seconds = 1.5'))
    assert DeskContext.from_environment().checker.deadline == 1.5


def test_plain_http_only_on_loopback(tmp_path, own_root):
    for url in ("http://127.0.0.1:8700", "http://localhost:8700", "http://[::1]:8700"):
        cfg = config.load(write(tmp_path, f'[platform]\nbase_url = "{url}"\napp_key = "k"\n'
                                          f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n' + OPERATORS))
        assert cfg.platform.base_url == url
    assert "https" in refused(write(tmp_path, '[platform]\nbase_url = "http://10.0.0.5"\napp_key = "k"\n'))


def test_production_config_refuses_the_demo_trust_root(tmp_path):
    # A platform with no root of its own would fall back on the public demo key.
    message = refused(write(tmp_path, '[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\n'))
    assert "第 1 行" in message and "trust_root" in message and "演示信任根" in message
    # Nor may the demo root be named outright, even copied elsewhere.
    copy = shutil.copy(demo_trust_root(), tmp_path / "root.json")
    message = refused(write(tmp_path, f'[platform]\nbase_url = "https://x.gov.cn"\napp_key = "k"\n\n'
                                      f'[snapshot]\ntrust_root = "{Path(copy).as_posix()}"\n'))
    assert "第 6 行" in message and "snapshot.trust_root 指向演示信任根" in message


def test_bad_config_exits_2_from_the_command_line_and_changes_nothing(capsys, desk_env):
    home, cfg = desk_env
    cfg.write_text('[platform]\nbase_url = "ftp://x"\napp_key = "k"\n', encoding="utf-8")
    before = sorted(p.name for p in home.iterdir())
    assert main(["check", "91440106MA9P6N4D3U"]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "platform.base_url" in err
    # The log may note the refusal; no state (snapshot, case file, outbox) is created.
    assert sorted(p.name for p in home.iterdir() if p.name != "logs") == before


# -- issue 11: the URL as the HTTP client reads it, files that are not config files, numbers ----

@pytest.mark.parametrize("url, words", [
    ("http://192.0.2.1\\\\@127.0.0.1:8799", "不能含反斜杠"),
    ("http://user:pw@127.0.0.1:8799", "不能含用户名或密码"),
    ("https://token@credit.example.gov.cn", "不能含用户名或密码"),
    ("https://credit.example.gov.cn /x", "不能含空白或控制字符"),
    ("https://credit.example.gov.cn\\t", "不能含空白或控制字符"),
    ("https://credit.example.gov.cn/?x=1", "不能带查询参数"),
    ("https://credit.example.gov.cn:99999", "不是有效的网址"),
    ("http://127.0.0.1.example.com:8799", "必须是 https 地址"),
])
def test_base_url_is_judged_as_the_http_client_parses_it(tmp_path, url, words):
    message = refused(write(tmp_path, f'[platform]\nbase_url = "{url}"\napp_key = "k"\n'))
    assert "第 2 行" in message and words in message
    assert "pw" not in message and "token" not in message   # the credential is never repeated


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_numbers_must_be_finite(tmp_path, value):
    message = refused(write(tmp_path, f"[snapshot]\nmax_age_hours = {value}\n"))
    assert "第 2 行" in message and "snapshot.max_age_hours 必须是有限的数" in message


def test_a_device_or_a_huge_file_is_not_read_as_config(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CREDIT_DESK_CONFIG", "/dev/zero")
    assert main(["items"]) == 2
    assert "无法读取配置文件 /dev/zero：不是普通文件" in capsys.readouterr().err
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    assert "文件超过 1 MB" in refused(big)


# --- [operators] ------------------------------------------------------------------------------

def test_a_production_config_requires_operators(tmp_path, own_root):
    message = refused(write(tmp_path, f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n'))
    assert "[operators]" in message and "auth" in message


@pytest.mark.parametrize("table, words", [
    ('[operators]\nauth = "ldap"\n', "operators.auth"),
    ('[operators]\nauth = "os"\noffline_days = 400\n', "0 到 90 天"),
    ('[operators]\nauth = "os"\nlock_minutes = 0\n', "1 到 480 分钟"),
    ('[operators]\nauth = "os"\n[operators.os_map]\n"wangli" = "工号 1"\n', "映射到工号"),
    ('[operators]\nauth = "platform"\n', "需要 [platform]"),
    ('[operators]\noffline_days = 3\n', "缺少必填项 auth"),
])
def test_bad_operators_tables_are_refused(tmp_path, own_root, table, words):
    message = refused(write(tmp_path, f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n' + table))
    assert words in message, message


def test_operators_defaults(tmp_path, own_root):
    cfg = config.load(write(tmp_path, f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n' + OPERATORS))
    assert (cfg.operators.auth, cfg.operators.offline_days, cfg.operators.lock_minutes) == ("os", 7, 15)
    assert config.load(write(tmp_path, "")).operators is None  # the demo: sign-in free


def test_watch_days_default_and_bounds(tmp_path):
    from desktop.site.config import ConfigError, parse

    assert parse("", tmp_path / "c.toml").watch.days == 365
    assert parse("[watch]\ndays = 90\n", tmp_path / "c.toml").watch.days == 90
    for bad in ("0", "4000", '"a year"'):
        with pytest.raises(ConfigError) as exc:
            parse(f"[watch]\ndays = {bad}\n", tmp_path / "c.toml")
        assert "days" in str(exc.value) and "第 2 行" in str(exc.value)


def test_a_config_saved_with_a_byte_order_mark_is_read_and_utf16_is_named(tmp_path, own_root):
    """Notepad before Windows 10 1903 saves UTF-8 with a BOM: refused as "Invalid statement at
    line 1, column 1" it sent IT looking for a typo that is not there (break attempt 18)."""
    text = (f'[platform]\nbase_url = "http://127.0.0.1:8700"\napp_key = "hall-1"\n'
            f'[snapshot]\ntrust_root = "{own_root.as_posix()}"\n' + OPERATORS)
    path = tmp_path / "deploy.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert config.load(path).platform.app_key == "hall-1"
    path.write_bytes(text.encode("utf-16"))
    assert "不是 UTF-8 编码" in refused(path) and "另存为" in refused(path)


def test_a_data_folder_that_is_a_file_is_named_not_a_traceback(tmp_path, capsys, monkeypatch):
    home = tmp_path / "not-a-folder"
    home.write_text("")
    monkeypatch.setenv("CREDIT_DESK_HOME", str(home))
    assert main(["cache", "status"]) == 2
    err = capsys.readouterr().err
    assert f"CREDIT_DESK_HOME 指定的数据文件夹 {home} 无法使用" in err
    assert "Traceback" not in err and "意外错误" not in err
