"""Build the frozen Credit Desk: `python build_scripts/build.py [--deb] [--self-test]`.

The same command on Linux and Windows: stamps version and build metadata (git commit, UTC date,
build machine) into the bundle's resources/build-info.json, which `credit-desk --self-test`
prints, then runs PyInstaller on build_scripts/credit-desk.spec. Output: dist/credit-desk/
(one-folder bundle). On Linux `--deb` also packs dist/credit-desk_<version>_<arch>.deb from it
(build_scripts/deb/make_deb.py); on Windows `--installer` compiles
build_scripts/windows/credit-desk.iss with Inno Setup; `--self-test` runs the frozen self-test.

Run with the project's venv after `pip install -e '.[build]'`."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "build_scripts" / "credit-desk.spec"
DIST = REPO / "dist"
WORK = REPO / "build" / "pyinstaller"
STAMP_DIR = REPO / "build" / "stamp"
APP = "credit-desk"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建 Credit Desk 的一体化安装目录（PyInstaller）")
    parser.add_argument("--deb", action="store_true", help="并打包 .deb（仅 Linux，需要 dpkg-deb）")
    parser.add_argument("--installer", action="store_true",
                        help="并用 Inno Setup 生成 Windows 安装程序（仅 Windows，需要 iscc）")
    parser.add_argument("--self-test", action="store_true", help="构建后运行冻结程序的自检")
    parser.add_argument("--clean", action="store_true", help="清除 PyInstaller 缓存后重建")
    args = parser.parse_args(argv)
    if args.deb and not sys.platform.startswith("linux"):
        parser.error(".deb 只能在 Linux 上打包。")
    if args.installer and sys.platform != "win32":
        parser.error("Windows 安装程序只能在 Windows 上生成。")
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print("错误：没有安装 PyInstaller。请先运行 .venv/bin/pip install -e '.[build]'。", file=sys.stderr)
        return 2

    started = time.perf_counter()
    info = stamp()
    print(f"构建 credit-desk {info['version']}（commit {info['commit']}）", flush=True)
    os.environ["CREDIT_DESK_BUILD_INFO"] = str(STAMP_DIR / "build-info.json")
    os.environ["CREDIT_DESK_ICON"] = str(make_icon(STAMP_DIR / "app.ico"))
    options = [str(SPEC), "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK)]
    if args.clean:
        options.append("--clean")
    pyinstaller.run(options)
    bundle = DIST / APP
    print(f"一体化目录：{bundle}（{folder_size(bundle) / 2**20:.1f} MB，"
          f"用时 {time.perf_counter() - started:.0f} s）", flush=True)

    if args.deb:
        sys.path.insert(0, str(REPO / "build_scripts" / "deb"))
        from make_deb import make_deb

        deb = make_deb(bundle, info["version"], DIST)
        print(f"安装包：{deb}（{deb.stat().st_size / 2**20:.1f} MB）", flush=True)
    if args.installer:
        iscc = find_iscc()
        if iscc is None:
            print("错误：找不到 Inno Setup 的 iscc.exe（https://jrsoftware.org/isdl.php，安装后重试）。",
                  file=sys.stderr)
            return 2
        subprocess.run([iscc, f"/DAppVersion={info['version']}",
                        str(REPO / "build_scripts" / "windows" / "credit-desk.iss")], check=True)
    if args.self_test:
        exe = bundle / (APP + (".exe" if sys.platform == "win32" else ""))
        env = dict(os.environ, CREDIT_DESK_HOME=str(REPO / "build" / "selftest-home"))
        if not env.get("DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.run([str(exe), "--self-test"], env=env).returncode
    return 0


def stamp(folder: Path = STAMP_DIR) -> dict:
    """Written fresh on every build, so a bundle never carries another build's commit."""
    from importlib.util import module_from_spec, spec_from_file_location

    # The version from the source being built, not from whatever is installed in the venv.
    spec = spec_from_file_location("_credit_desk_version", REPO / "desktop" / "__init__.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    info = {
        "version": module.__version__,
        "commit": git("rev-parse", "--short=12", "HEAD") or "unknown",
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "built": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "build_host": f"{platform.system()} {platform.release()} {platform.machine()}, "
                      f"Python {platform.python_version()}",
        "kind": "frozen",
    }
    if info["dirty"]:
        info["commit"] += "+dirty"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "build-info.json").write_text(json.dumps(info, ensure_ascii=False, indent=2),
                                               encoding="utf-8")
    return info


def make_icon(out: Path) -> Path:
    """The Windows executable's icon, rendered from the one app icon (resources/icons/app.svg) so
    there is no second drawing to keep in step."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt's image plugins need it
    renderer = QSvgRenderer(str(REPO / "resources" / "icons" / "app.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "ICO"):
        raise SystemExit(f"错误：无法生成程序图标 {out}。")
    return out


def find_iscc() -> str | None:
    import shutil

    for candidate in (shutil.which("iscc"),
                      *(Path(os.environ.get(v, "")) / "Inno Setup 6" / "ISCC.exe"
                        for v in ("ProgramFiles(x86)", "ProgramFiles"))):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""  # a source tarball without git still builds; the stamp says "unknown"
    return out.stdout.strip()


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


if __name__ == "__main__":
    sys.exit(main())
