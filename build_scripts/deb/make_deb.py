"""Pack the PyInstaller bundle (dist/credit-desk/) into a .deb with dpkg-deb: no network at
install time, everything under /opt/credit-desk, a /usr/bin/credit-desk link, a menu entry and
icon, and /etc/credit-desk/config.toml as a conffile (commented out: demo mode until IT sets a
trust root). Called by `build_scripts/build.py --deb`; on its own:
`python build_scripts/deb/make_deb.py [dist/credit-desk]`."""
from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PREFIX = "opt/credit-desk"
CONFIG = "etc/credit-desk/config.toml"
# The libraries PyInstaller deliberately leaves to the system (libc, GL/EGL, xcb, wayland, drm)
# are found by scanning the bundle; a CJK font is needed for the window and the record sheet, and
# the font families desktop/record_sheet.py looks for come from these packages.
FONT_DEPENDS = "fonts-noto-cjk | fonts-wqy-microhei"
# Library file (soname prefix) → Debian package; the bundle's ELF files are scanned for them.
SYSTEM_LIBRARIES = {
    "libEGL.so": "libegl1", "libGL.so": "libgl1", "libGLX.so": "libglx0",
    "libOpenGL.so": "libopengl0", "libxcb.so": "libxcb1", "libwayland-client.so": "libwayland-client0",
    "libwayland-cursor.so": "libwayland-cursor0", "libwayland-egl.so": "libwayland-egl1",
    "libdrm.so": "libdrm2", "libX11.so": "libx11-6",
}
# Qt's Wayland platform plugins and the libraries only they load.
WAYLAND_ONLY = re.compile(r"wayland|WlShell", re.IGNORECASE)
# xz level 3 instead of dpkg-deb's 6: about as small for shared libraries, several times faster.
XZ_LEVEL = int(os.environ.get("CREDIT_DESK_XZ_LEVEL", "3"))
CONFIG_HEADER = """\
# Credit Desk 部署配置 / deployment config (DESIGN.md "Deployment config").
# 全部注释掉时程序运行演示模式（随附的演示数据，结果带“演示数据 / DEMO DATA”标记）。
# Everything commented out: demo mode. Set [snapshot] trust_root and [platform] for production,
# then run `credit-desk --self-test`. The platform secret goes into the keyring, never here:
#   credit-desk secrets set <app_key>
# dpkg keeps your edits to this file on upgrade (conffile).
"""


def make_deb(bundle: Path, version: str, out_dir: Path, stage: Path | None = None) -> Path:
    bundle = Path(bundle)
    if not (bundle / "credit-desk").is_file():
        raise SystemExit(f"错误：{bundle} 不是 credit-desk 一体化目录，请先运行 build_scripts/build.py。")
    for tool, package in (("dpkg-deb", "dpkg"), ("objdump", "binutils")):
        if shutil.which(tool) is None:
            raise SystemExit(f"错误：没有 {tool}，无法打包 .deb。请先安装：apt-get install {package}")
    arch = deb_arch()
    stage = stage or REPO / "build" / "deb" / "root"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(bundle, stage / PREFIX, symlinks=True)
    _link(stage / "usr/bin/credit-desk", f"/{PREFIX}/credit-desk")
    _copy(HERE / "credit-desk.desktop", stage / "usr/share/applications/credit-desk.desktop")
    # The approval system's creditdesk:// links; update-desktop-database in postinst registers it.
    _copy(HERE / "credit-desk-link.desktop", stage / "usr/share/applications/credit-desk-link.desktop")
    _copy(REPO / "resources/icons/app.svg", stage / "usr/share/icons/hicolor/scalable/apps/credit-desk.svg")
    (stage / CONFIG).parent.mkdir(parents=True, exist_ok=True)
    (stage / CONFIG).write_text(config_template(), encoding="utf-8")
    (stage / CONFIG).chmod(0o644)
    _copy(HERE / "README.Debian", stage / "usr/share/doc/credit-desk/README.Debian")

    control = stage / "DEBIAN"
    control.mkdir()
    required, optional = system_packages(bundle)
    depends = ", ".join([f"libc6 (>= {glibc_needed(bundle)})", *required, FONT_DEPENDS])
    (control / "control").write_text((HERE / "control.in").read_text(encoding="utf-8").format(
        version=version, arch=arch, installed_size=_size_kib(stage), depends=depends,
        recommends=", ".join(optional)), encoding="utf-8")
    (control / "conffiles").write_text(f"/{CONFIG}\n", encoding="utf-8")
    for script in ("postinst", "prerm", "postrm"):
        _copy(HERE / script, control / script, mode=0o755)

    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"credit-desk_{version}_{arch}.deb"
    # xz: every dpkg on Debian-family desktops (UOS, Kylin) reads it; --root-owner-group: the
    # files belong to root whoever builds.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", f"-z{XZ_LEVEL}", "--build", str(stage), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb


def config_template() -> str:
    """The IT-facing example config, every setting commented out."""
    example = REPO / "build_scripts" / "config.example.toml"
    body = ""
    if example.is_file():
        lines = example.read_text(encoding="utf-8").splitlines()
        body = "\n".join(line if not line.strip() or line.lstrip().startswith("#") else f"# {line}"
                         for line in lines) + "\n"
    return CONFIG_HEADER + "\n" + body


def deb_arch() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def _elf_files(bundle: Path):
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


def glibc_needed(bundle: Path) -> str:
    """The newest glibc symbol version any bundled file needs: the bundle runs on no older
    system, so dpkg refuses it there instead of the window failing to start at a counter."""
    found = {(2, 17)}
    for path in _elf_files(bundle):
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        found.update(tuple(int(n) for n in v.split(".")) for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", out))
    return ".".join(map(str, max(found)))


def system_packages(bundle: Path) -> tuple[list[str], list[str]]:
    """Packages of the libraries the bundle links against but PyInstaller left to the system:
    (required, recommended). What only Qt's Wayland plugins need is recommended, not required:
    UOS and Kylin counters run X11, and Qt never loads those plugins there."""
    needed: dict[str, set[str]] = {"required": set(), "optional": set()}
    for path in _elf_files(bundle):
        out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
        kind = "optional" if WAYLAND_ONLY.search(str(path.relative_to(bundle))) else "required"
        needed[kind].update(re.findall(r"NEEDED\s+(\S+)", out))
    bundled = {p.name for p in bundle.rglob("*.so*")}

    def packages(libs: set[str]) -> set[str]:
        return {pkg for lib in libs - bundled for prefix, pkg in SYSTEM_LIBRARIES.items()
                if lib.startswith(prefix)}
    required = packages(needed["required"])
    return sorted(required), sorted(packages(needed["optional"]) - required)


def _link(path: Path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _copy(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(mode)


def _size_kib(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*")) // 1024 + 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    from build import stamp

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "dist" / "credit-desk"
    print(make_deb(target, stamp()["version"], REPO / "dist"))
