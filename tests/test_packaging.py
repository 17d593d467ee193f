"""The .deb as dpkg and IT see it, built by the real make_deb with the real dpkg-deb from a small
stand-in bundle (real ELF files: the launcher and two of PySide6's own Qt libraries), so the
suite stays fast; the full PyInstaller bundle is built, installed and self-tested by
build_scripts/frozen_smoke.sh, which .ci/run runs after this suite."""
from __future__ import annotations

import configparser
import importlib.util
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import PySide6
import pytest

REPO = Path(__file__).resolve().parent.parent


def load(name: str, path: Path):
    """The build scripts by file, without putting build_scripts/ on everyone's sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load("credit_desk_build", REPO / "build_scripts" / "build.py")
make_deb = load("credit_desk_make_deb", REPO / "build_scripts" / "deb" / "make_deb.py")

QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("deb")
    bundle = tmp / "credit-desk"
    internal = bundle / "_internal"
    (internal / "lib").mkdir(parents=True)
    shutil.copy(shutil.which("true"), bundle / "credit-desk")
    # X11 platform plugin: what it links and the bundle lacks must become Depends...
    shutil.copy(QT_LIB / "libQt6XcbQpa.so.6", internal / "lib")
    # ...but what only the Wayland plugin links is merely recommended (X11 counters never load it).
    shutil.copy(QT_LIB / "libQt6WaylandClient.so.6", internal / "lib")
    (internal / "libX11.so.6").write_bytes(b"")  # bundled: no dependency on libx11-6
    return make_deb.make_deb(bundle, "9.8.7", tmp / "out", stage=tmp / "stage")


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def test_package_name_version_and_dependencies(deb):
    assert deb.name.startswith("credit-desk_9.8.7_") and deb.suffix == ".deb"
    fields = dict(line.split(": ", 1) for line in dpkg_deb("-f", str(deb), "Package", "Version",
                                                            "Depends", "Recommends").splitlines())
    assert fields["Package"] == "credit-desk" and fields["Version"] == "9.8.7"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert depends[0].startswith("libc6 (>= 2.")
    assert {"libxcb1", "libgl1"} <= set(depends)
    assert "libx11-6" not in depends  # shipped in the bundle
    assert "fonts-noto-cjk | fonts-wqy-microhei" in depends  # the record sheet needs a CJK font
    recommends = {r.strip() for r in fields["Recommends"].split(",")}
    assert {"libwayland-client0", "libwayland-cursor0"} <= recommends
    assert not recommends & set(depends)


def test_layout_link_menu_entry_and_icon(deb):
    listing = dpkg_deb("-c", str(deb))
    assert "./opt/credit-desk/credit-desk" in listing
    assert "./usr/bin/credit-desk -> /opt/credit-desk/credit-desk" in listing
    for path in ("./usr/share/applications/credit-desk.desktop",
                 "./usr/share/icons/hicolor/scalable/apps/credit-desk.svg",
                 "./usr/share/doc/credit-desk/README.Debian", "./etc/credit-desk/config.toml"):
        assert path in listing
    # Nothing under a home folder or /var: the package never carries clerk state.
    assert "./home" not in listing and "./var" not in listing
    exe_line = next(line for line in listing.splitlines() if line.endswith("./opt/credit-desk/credit-desk"))
    assert exe_line.startswith("-rwxr-xr-x root/root")


def test_desktop_entry_opens_the_window(deb, tmp_path):
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(tmp_path / "usr/share/applications/credit-desk.desktop", encoding="utf-8")
    desk = entry["Desktop Entry"]
    assert desk["Exec"] == "/usr/bin/credit-desk" and desk["Type"] == "Application"
    assert desk["Name[zh_CN]"] == "信用核查窗口端" and desk["Terminal"] == "false"
    assert (tmp_path / f"usr/share/icons/hicolor/scalable/apps/{desk['Icon']}.svg").is_file()


def test_shipped_config_is_a_conffile_that_means_demo_mode(deb, tmp_path):
    from desktop.site import config

    control = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control)], check=True)
    assert (control / "conffiles").read_text().split() == ["/etc/credit-desk/config.toml"]
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path / "root")], check=True)
    shipped = tmp_path / "root/etc/credit-desk/config.toml"
    cfg = config.load(shipped)
    assert cfg.demo and cfg.platform is None  # commented out: the embedded demo default
    assert "secrets set" in shipped.read_text(encoding="utf-8")


def test_maintainer_scripts_are_executable_shell_and_keep_the_case_file(deb, tmp_path):
    control = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control)], check=True)
    for script in ("postinst", "prerm", "postrm"):
        path = control / script
        assert path.stat().st_mode & 0o111, script
        subprocess.run(["sh", "-n", str(path)], check=True)
        text = path.read_text(encoding="utf-8")
        assert "rm -rf" not in text and "CreditDesk" not in text.replace("~/.local/share/CreditDesk", "")
    assert "~/.local/share/CreditDesk" in (control / "postrm").read_text(encoding="utf-8")


def test_make_deb_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    with pytest.raises(SystemExit, match="不是 credit-desk 一体化目录"):
        make_deb.make_deb(tmp_path, "1.0", tmp_path / "out", stage=tmp_path / "stage")
    assert not (tmp_path / "out").exists()


def test_build_stamp_names_this_source(tmp_path):
    from desktop import __version__

    info = build.stamp(tmp_path)
    assert json.loads((tmp_path / "build-info.json").read_text(encoding="utf-8")) == info
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert info["version"] == __version__
    assert head.startswith(info["commit"].removesuffix("+dirty")) and len(info["commit"]) >= 12
    assert datetime.strptime(info["built"], "%Y-%m-%dT%H:%M:%SZ")
    assert info["kind"] == "frozen"


def test_windows_installer_script_matches_the_bundle_and_the_self_test():
    """Inno Setup cannot run here; what can be checked without it: the script installs the
    bundle build.py makes, takes /CONFIG and /SELFTEST, keeps config and case file on uninstall,
    and skips only probes the self-test knows (an unknown one would fail every install)."""
    import re

    from desktop.app import selftest

    iss = (REPO / "build_scripts" / "windows" / "credit-desk.iss").read_text(encoding="utf-8")
    spec = (REPO / "build_scripts" / "credit-desk.spec").read_text(encoding="utf-8")
    assert '#define BundleDir "..\\..\\dist\\credit-desk"' in iss
    assert 'name="credit-desk")' in spec and build.APP == "credit-desk"
    assert "{param:CONFIG|}" in iss and "/SELFTEST" in iss and "--self-test" in iss
    assert 'DestName: "config.toml"' in iss and "{commonappdata}\\CreditDesk" in iss
    assert iss.count("uninsneveruninstall") == 2  # the config folder and the copied config
    [skipped] = re.findall(r"SetEnvironmentVariable\('CREDIT_DESK_SELFTEST_SKIP', '([^']*)'\)", iss)
    assert set(skipped.split(",")) == {"secret"} <= {key for key, _, _ in selftest.PROBES}


def test_the_deb_registers_the_creditdesk_link_scheme(deb, tmp_path):
    """The approval system's creditdesk:// links reach `credit-desk open-url` (postinst runs
    update-desktop-database, which files the handler under its MimeType)."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(tmp_path / "usr/share/applications/credit-desk-link.desktop", encoding="utf-8")
    link = entry["Desktop Entry"]
    assert link["MimeType"] == "x-scheme-handler/creditdesk;"
    assert link["Exec"] == "/usr/bin/credit-desk open-url %u" and link["NoDisplay"] == "true"
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control)], check=True)
    assert "update-desktop-database" in (control / "postinst").read_text(encoding="utf-8")


def test_the_windows_installer_registers_the_creditdesk_link_scheme():
    script = (REPO / "build_scripts" / "windows" / "credit-desk.iss").read_text(encoding="utf-8")
    assert 'Subkey: "creditdesk"; ValueType: string; ValueName: "URL Protocol"' in script
    assert '"creditdesk\\shell\\open\\command"' in script and 'open-url ""%1""' in script
