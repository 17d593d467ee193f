"""The deployment config (TOML, written by IT, read-only to the clerk). DESIGN.md fixes the keys.

A bad file is refused whole with the key and line named: a half-read config at a counter is worse
than none, because it would look configured while checking against the wrong platform or root."""
from __future__ import annotations

import errno
import ipaddress
import json
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from urllib3.util import parse_url

from desktop.site import paths
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from desktop.site.toml_keys import key_lines


class ConfigError(UserError):
    exit_code = 2


@dataclass(frozen=True)
class PlatformConfig:
    base_url: str
    app_key: str
    ca_bundle: Path | None = None
    deadline_seconds: float = 3.0


@dataclass(frozen=True)
class SiteConfig:
    hall: str = "DEMO"
    window: str = "1"
    hall_name: str = ""   # printed on the record sheet beside the hall code


@dataclass(frozen=True)
class SnapshotConfig:
    trust_root: Path | None = None   # None: the bundled demo root, and demo mode
    warn_age_hours: float | None = 48
    max_age_hours: float | None = 168
    update_source: str = "platform"  # or a folder


@dataclass(frozen=True)
class WatchConfig:
    days: int = 365  # post-approval watch: how far back recorded checks are compared with new data


@dataclass(frozen=True)
class IntegrationConfig:
    """The local API for the hall's approval system (README "Local API")."""
    api_port: int
    allowed_origins: tuple[str, ...] = ()


# An operator id (工号): letters, digits, dot, underscore, hyphen; at most 32, starting alphanumeric.
OPERATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
AUTH_MODES = ("platform", "os")


@dataclass(frozen=True)
class OperatorsConfig:
    """Who may check at this desk (README "Operators"): clerks sign in against the platform
    ("platform", a sign-in cached for ``offline_days`` when it is down), or the OS account is the
    operator through ``os_map`` ("os"; an unmapped account cannot check)."""
    auth: str
    offline_days: int = 7
    lock_minutes: int = 15
    os_map: tuple[tuple[str, str], ...] = ()

    def operator_for(self, account: str) -> str | None:
        return dict(self.os_map).get(account)


@dataclass(frozen=True)
class Config:
    platform: PlatformConfig | None = None  # None: offline only
    integration: IntegrationConfig | None = None  # None: no local API
    operators: OperatorsConfig | None = None  # None: the demo, sign-in free
    site: SiteConfig = field(default_factory=SiteConfig)
    snapshot: SnapshotConfig = field(default_factory=SnapshotConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    path: Path | None = None                # None: no config file, the embedded demo default

    @property
    def demo(self) -> bool:
        return self.snapshot.trust_root is None

    @property
    def trust_root(self) -> Path:
        return self.snapshot.trust_root or paths.demo_trust_root()


# The demo runs on a fixed, old dataset: age limits would make it useless after a week, and every
# demo result is marked as demo anyway.
DEMO = Config(snapshot=SnapshotConfig(warn_age_hours=None, max_age_hours=None))

_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "platform": {"base_url": str, "app_key": str, "ca_bundle": str, "deadline_seconds": (int, float)},
    "site": {"hall": str, "window": str, "hall_name": str},
    "snapshot": {"trust_root": str, "warn_age_hours": (int, float), "max_age_hours": (int, float),
                 "update_source": str},
    "watch": {"days": int},
    "integration": {"api_port": int, "allowed_origins": list},
    "operators": {"auth": str, "offline_days": int, "lock_minutes": int, "os_map": dict},
}
_REQUIRED = {"platform": ("base_url", "app_key"), "integration": ("api_port",), "operators": ("auth",)}
# A deployment config is a few hundred bytes, a trust root or CA bundle some kilobytes. A larger
# "file" (or a device such as /dev/zero) is a mistake and must not be read into memory.
MAX_FILE_BYTES = 1 << 20
# The longest age limit IT may set (warn_age_hours, max_age_hours): ten years. A longer one limits
# nothing (a snapshot's signed expiry ends its use long before), and one past what a timedelta
# holds (about 2.4e10 hours, "1e11" written for "no limit") would load and then fail every check.
MAX_AGE_LIMIT_HOURS = 87_600


def load(path: Path | None = None) -> Config:
    """The config in force: the named file (argument or ``CREDIT_DESK_CONFIG``), else the
    system-wide one, else the demo default. A config that was named but is missing is an error:
    silently running on demo data at a configured counter would be worse."""
    named = path is not None or bool(os.environ.get("CREDIT_DESK_CONFIG"))
    path = path or paths.config_file()
    try:
        if not path.exists():
            if named:
                raise ConfigError(Message(QT_TRANSLATE_NOOP(
                    "core", "找不到配置文件 {path}。请检查 CREDIT_DESK_CONFIG 或联系信息技术人员。"),
                    {"path": str(path)}))
            return DEMO
        if path.is_dir():
            # CREDIT_DESK_CONFIG set to the folder the file is in: a common slip, which the
            # operating system reports as "[Errno 21] Is a directory" with a descriptor number
            # (Linux) or as "Permission denied" (Windows).
            raise ConfigError(Message(QT_TRANSLATE_NOOP(
                "core", "配置文件路径 {path} 是一个文件夹，不是文件。请让它指向文件夹中的配置文件"
                        "（如 {example}），修正后重启；如不清楚，请联系信息技术人员。"),
                {"path": str(path), "example": str(path / "config.toml")}))
        # utf-8-sig: Notepad (before Windows 10 1903) saves UTF-8 with a byte-order mark, which
        # TOML calls an invalid statement at line 1, column 1.
        text = read_small_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(Message(QT_TRANSLATE_NOOP(
            "core", "配置文件 {path} 不是 UTF-8 编码（例如存成了 UTF-16/“Unicode”或 GBK）。请用记事本“另存为”，"
                    "编码选 UTF-8 后重启。"), {"path": str(path)})) from None
    except OSError as exc:
        # The reason without Python's "[Errno N]" and the file (or descriptor) it repeats.
        raise ConfigError(Message(QT_TRANSLATE_NOOP(
            "core", "无法读取配置文件 {path}：{error}"),
            {"path": str(path), "error": exc.strerror or type(exc).__name__})) from None
    except ValueError as exc:
        raise ConfigError(Message(QT_TRANSLATE_NOOP(
            "core", "无法读取配置文件 {path}：{error}"), {"path": str(path), "error": exc.args[0]})) from None
    return parse(text, path)


def read_small_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ValueError (with words for the
    message) for anything else. Read through one open handle, so a file swapped after the
    check is still bounded."""
    # Non-blocking open: a FIFO would otherwise wait here for a writer that never comes.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        # Checked on the descriptor before wrapping it: open() refuses a folder's descriptor
        # without closing it.
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("不是普通文件")
        handle = open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"文件超过 {limit // (1 << 20)} MB，不像是配置文件")
    return data


def parse(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(Message(QT_TRANSLATE_NOOP(
            "core", "配置文件 {path} 不是有效的 TOML：{error}。请按示例配置修正后重启。"),
            {"path": str(path), "error": str(exc)})) from None
    except RecursionError:  # arrays nested a few thousand deep: tomllib recurses per level
        raise ConfigError(Message(QT_TRANSLATE_NOOP(
            "core", "配置文件 {path} 不是有效的 TOML：{error}。请按示例配置修正后重启。"),
            {"path": str(path), "error": "nested too deeply"})) from None
    where = _Locator(text, path)
    for table, value in data.items():
        if table not in _SCHEMA:
            raise where.error(table, None, QT_TRANSLATE_NOOP("core", "未知的配置节 [{key}]"))
        if not isinstance(value, dict):
            raise where.error(table, None, QT_TRANSLATE_NOOP("core", "“{key}”应为配置节 [{key}]"))
        for key, item in value.items():
            expected = _SCHEMA[table].get(key)
            if expected is None:
                raise where.error(table, key, QT_TRANSLATE_NOOP("core", "未知的配置项 {key}"))
            if not isinstance(item, expected) or isinstance(item, bool):
                raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 的类型不对"))
            if isinstance(item, float) and not math.isfinite(item):
                # TOML allows nan and inf; every comparison with nan is false, so it would pass
                # the range checks below and break every check later.
                raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 必须是有限的数"))
        for key in _REQUIRED.get(table, ()):
            if key not in value:
                raise where.error(table, None, QT_TRANSLATE_NOOP(
                    "core", "配置节 [{key}] 缺少必填项 {missing}"), missing=key)

    base = path.parent
    platform = None
    if "platform" in data:
        p = data["platform"]
        _check_url(p["base_url"], where)
        if not p["app_key"].strip():
            raise where.error("platform", "app_key", QT_TRANSLATE_NOOP("core", "配置项 {key} 不能为空"))
        # Compared before float(): TOML integers have no size limit, float() of a huge one raises.
        deadline = p.get("deadline_seconds", 3.0)
        if not 0.2 <= deadline <= 60:
            raise where.error("platform", "deadline_seconds", QT_TRANSLATE_NOOP(
                "core", "配置项 {key} 应在 0.2 到 60 秒之间"))
        deadline = float(deadline)
        platform = PlatformConfig(
            base_url=p["base_url"].rstrip("/"), app_key=p["app_key"],
            ca_bundle=_existing(base, p["ca_bundle"], "platform", "ca_bundle", where) if "ca_bundle" in p else None,
            deadline_seconds=deadline)

    s = data.get("site", {})
    site = SiteConfig(hall=s.get("hall", SiteConfig.hall), window=s.get("window", SiteConfig.window),
                      hall_name=s.get("hall_name", SiteConfig.hall_name).strip())

    n = data.get("snapshot", {})
    # Demo mode (no trust root) runs on a fixed old dataset: no age limits unless IT sets them.
    demo = "trust_root" not in n
    warn = n.get("warn_age_hours", None if demo else 48)
    max_age = n.get("max_age_hours", None if demo else 168)
    # max_age_hours first: when both are wrong, the one that stops checks is named.
    for key, value in (("max_age_hours", max_age), ("warn_age_hours", warn)):
        if value is not None and value <= 0:
            raise where.error("snapshot", key, QT_TRANSLATE_NOOP("core", "配置项 {key} 必须大于 0"))
        if value is not None and value > MAX_AGE_LIMIT_HOURS:
            raise where.error("snapshot", key, QT_TRANSLATE_NOOP(
                "core", "配置项 {key} 不能超过 87600 小时（10 年）"))
    if warn is not None and max_age is not None and warn > max_age:
        raise where.error("snapshot", "warn_age_hours", QT_TRANSLATE_NOOP(
            "core", "配置项 {key} 不能大于 max_age_hours"))
    update_source = n.get("update_source", "platform")
    if not update_source.strip():
        raise where.error("snapshot", "update_source", QT_TRANSLATE_NOOP("core", "配置项 {key} 不能为空"))
    if update_source != "platform" and _has_control(update_source):
        # A folder is only opened at the first update; refused now, not then.
        raise where.error("snapshot", "update_source", _CONTROL_IN_PATH)
    snapshot = SnapshotConfig(
        trust_root=_existing(base, n["trust_root"], "snapshot", "trust_root", where) if "trust_root" in n else None,
        warn_age_hours=None if warn is None else float(warn),
        max_age_hours=None if max_age is None else float(max_age),
        update_source=update_source if update_source == "platform" else str(base / update_source))
    # A production desk (one that talks to a platform, or names its own root) must never vouch
    # for a subject with the public demo key: anyone can sign "clear" with it.
    if platform is not None and snapshot.trust_root is None:
        raise where.error("platform", None, QT_TRANSLATE_NOOP(
            "core", "配置了省平台 [{key}] 的生产配置必须用 [snapshot] trust_root 指定省平台发布的信任根，"
                    "不能使用内置演示信任根"))
    if snapshot.trust_root is not None and _is_demo_root(snapshot.trust_root):
        raise where.error("snapshot", "trust_root", QT_TRANSLATE_NOOP(
            "core", "配置项 {key} 指向演示信任根（演示密钥公开，任何人都能签署），生产环境不能使用；"
                    "请改为省平台发布的信任根文件"))
    days = data.get("watch", {}).get("days", WatchConfig.days)
    if not 1 <= days <= 3650:
        raise where.error("watch", "days", QT_TRANSLATE_NOOP("core", "配置项 {key} 应在 1 到 3650 天之间"))
    operators = _operators(data.get("operators"), where)
    if operators is None and (platform is not None or snapshot.trust_root is not None):
        # A production desk looks up real people: every lookup must be someone's.
        raise where.error("operators", None, QT_TRANSLATE_NOOP(
            "core", "生产配置（含 [platform] 或 trust_root）必须有 [{key}] 配置节，指定操作员登录方式"
                    "（auth = \"platform\" 或 \"os\"）"))
    if operators is not None and operators.auth == "platform" and platform is None:
        raise where.error("operators", "auth", QT_TRANSLATE_NOOP(
            "core", "配置项 {key} = \"platform\" 需要 [platform] 配置节（向省平台登录）；离线部署请用 \"os\""))
    return Config(platform=platform, site=site, snapshot=snapshot, watch=WatchConfig(days), path=path,
                  integration=_integration(data.get("integration"), where), operators=operators)


def _operators(table: dict | None, where: "_Locator") -> OperatorsConfig | None:
    if table is None:
        return None
    auth = table["auth"]
    if auth not in AUTH_MODES:
        raise where.error("operators", "auth", QT_TRANSLATE_NOOP(
            "core", "配置项 {key} 应为 \"platform\"（向省平台登录）或 \"os\"（操作系统账户）"))
    days = table.get("offline_days", OperatorsConfig.offline_days)
    if not 0 <= days <= 90:
        raise where.error("operators", "offline_days", QT_TRANSLATE_NOOP("core", "配置项 {key} 应在 0 到 90 天之间"))
    minutes = table.get("lock_minutes", OperatorsConfig.lock_minutes)
    if not 1 <= minutes <= 480:
        raise where.error("operators", "lock_minutes", QT_TRANSLATE_NOOP("core", "配置项 {key} 应在 1 到 480 分钟之间"))
    mapping = table.get("os_map", {})
    if mapping and auth != "os":
        raise where.error("operators", "os_map", QT_TRANSLATE_NOOP("core", "配置项 {key} 只能与 auth = \"os\" 同用"))
    for account, operator in mapping.items():
        if not isinstance(operator, str) or not OPERATOR_ID.fullmatch(operator) or not account.strip():
            raise where.error("operators", "os_map", QT_TRANSLATE_NOOP(
                "core", "配置项 {key} 应把操作系统账户映射到工号，如 \"wangli\" = \"GZ-0117\""))
    return OperatorsConfig(auth=auth, offline_days=days, lock_minutes=minutes,
                           os_map=tuple(sorted(mapping.items())))


def _integration(table: dict | None, where: "_Locator") -> IntegrationConfig | None:
    if table is None:
        return None
    port = table["api_port"]
    if not 1024 <= port <= 65535:
        raise where.error("integration", "api_port", QT_TRANSLATE_NOOP(
            "core", "配置项 {key} 应为 1024 到 65535 之间的端口号"))
    origins = table.get("allowed_origins", [])
    for origin in origins:
        parts = urlsplit(origin) if isinstance(origin, str) else None
        if (parts is None or parts.scheme not in ("https", "http") or not parts.hostname
                or parts.path not in ("", "/") or parts.query or parts.username or parts.password
                or (parts.scheme == "http" and not is_loopback(parts.hostname))):
            raise where.error("integration", "allowed_origins", QT_TRANSLATE_NOOP(
                "core", "配置项 {key} 应为审批系统网页的来源列表，如 \"https://zwfw.example.gov.cn\""
                        "（https，不带路径）"))
    return IntegrationConfig(api_port=port, allowed_origins=tuple(o.rstrip("/") for o in origins))


def _root_keys(path: Path) -> tuple[set[str], bool]:
    try:
        signed = json.loads(path.read_text(encoding="utf-8"))["signed"]
        return set(signed["keys"]), signed.get("demo") is True
    except (OSError, ValueError, KeyError, TypeError):
        return set(), False  # not a root at all: the snapshot store says so when it loads it


def _is_demo_root(path: Path) -> bool:
    keys, demo = _root_keys(path)
    return demo or bool(keys & _root_keys(paths.demo_trust_root())[0])


def _check_url(url: str, where: "_Locator") -> None:
    """The rules hold for the host the HTTP client will connect to, not for the one a different
    parser sees: "http://192.0.2.1\\@127.0.0.1" is loopback to urlsplit and 192.0.2.1 to
    urllib3. So anything the parsers may read differently is refused outright, and the host is
    taken from urllib3's own parser (what requests uses)."""
    def refuse(template: str) -> ConfigError:
        return where.error("platform", "base_url", template)

    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 不能含空白或控制字符"))
    if "\\" in url:
        raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 不能含反斜杠"))
    try:
        parts, parsed = urlsplit(url), parse_url(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 不是有效的网址")) from None
    if "@" in parts.netloc or parsed.auth:
        # Credentials in a URL are sent in clear to any proxy and printed wherever the URL is.
        raise refuse(QT_TRANSLATE_NOOP(
            "core", "配置项 {key} 不能含用户名或密码（平台密钥只存于系统密钥库）"))
    if parts.query or parts.fragment:
        raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 不能带查询参数（?）或片段（#）"))
    host = (parsed.host or "").strip("[]").lower()
    if not host or host != (parts.hostname or ""):
        raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 不是有效的网址"))
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(host):
        return  # tests and training rooms run the reference platform on this machine
    raise refuse(QT_TRANSLATE_NOOP("core", "配置项 {key} 必须是 https 地址（仅本机回环地址可用 http）"))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# NUL (a "\u0000" typed for a backslash) makes every file function raise ValueError, and Windows
# allows no control character in a file name at all.
_CONTROL_IN_PATH = QT_TRANSLATE_NOOP("core", "配置项 {key} 含有控制字符，不是有效的路径")


def _has_control(value: str) -> bool:
    return any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in value)


def _existing(base: Path, value: str, table: str, key: str, where: "_Locator") -> Path:
    if _has_control(value):
        raise where.error(table, key, _CONTROL_IN_PATH)
    try:
        path = (base / value).resolve()
        found = path.is_file()
        size = path.stat().st_size if found else 0
    except (OSError, RuntimeError) as exc:
        # A name too long, a folder on the way that may not be entered, a symlink loop (which
        # resolve() reports as RuntimeError): the key, in words, rather than a traceback.
        error = (os.strerror(errno.ELOOP) if isinstance(exc, RuntimeError)
                 else exc.strerror or type(exc).__name__)
        raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 指向的路径无法访问：{file}（{error}）"),
                          file=str(base / value), error=error) from None
    if not found and path.is_dir():  # the folder the file is in, named instead of the file
        raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 指向的是文件夹，不是文件：{file}"),
                          file=str(path))
    if not found:
        raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 指向的文件不存在：{file}"),
                          file=str(path))
    if size > MAX_FILE_BYTES:
        raise where.error(table, key, QT_TRANSLATE_NOOP("core", "配置项 {key} 指向的文件超过 1 MB：{file}"),
                          file=str(path))
    return path


class _Locator:
    """Finds the line of a key, because tomllib reports values, not positions."""

    def __init__(self, text: str, path: Path):
        self.path = path
        try:
            self.keys = key_lines(text)
        except (IndexError, ValueError, RecursionError):
            # Only reached if the scanner misreads text tomllib accepted: the message then
            # names no line rather than the wrong one, and still names the key.
            self.keys = []

    def line_of(self, table: str, key: str | None) -> int:
        """The first line that writes the key (or anything in the table), however TOML spells
        it: under a [table] header, as a dotted key, or inside an inline table. A key that is
        not written (a default that clashes with another value) is found at its table."""
        target = (table,) if key is None else (table, key)
        for line, keys in self.keys:
            if keys[:len(target)] == target:
                return line
        return self.line_of(table, None) if key is not None else 0

    def error(self, table: str, key: str | None, template: str, **params) -> ConfigError:
        name = f"{table}.{key}" if key else table
        reason = Message(template, {"key": name, **params})
        line = self.line_of(table, key)
        if not line:  # e.g. a table production needs that the file does not have at all
            return ConfigError(Message(QT_TRANSLATE_NOOP("core", "配置文件 {path}：{reason}。请修正后重启。"),
                                       {"path": str(self.path), "reason": reason}))
        return ConfigError(Message(QT_TRANSLATE_NOOP("core", "配置文件 {path} 第 {line} 行：{reason}。请修正后重启。"),
                                   {"path": str(self.path), "line": line, "reason": reason}))
