#!/usr/bin/env bash
# The frozen smoke test, as IT meets the package on a Debian-family machine (root or sudo):
#   build the bundle and the .deb → install it → `credit-desk --self-test` offscreen → record a
#   check with the installed program → remove and purge (the case file must survive both) →
#   reinstall → the case file still verifies. Leaves the package installed.
# Called by .ci/run after the test suite; on its own: bash build_scripts/frozen_smoke.sh
# Set SMOKE_SKIP_BUILD=1 to test the .deb already in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# make_deb.py reads the bundle's ELF files with objdump (binutils) to compute Depends.
if ! command -v objdump >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends binutils
fi
if [ "${SMOKE_SKIP_BUILD:-0}" != "1" ]; then
  .venv/bin/python -m pip install -q -e '.[build]'
  .venv/bin/python build_scripts/build.py --deb
fi
version=$(.venv/bin/python -c 'import desktop; print(desktop.__version__)')
deb=$(ls dist/credit-desk_"${version}"_*.deb)
echo "== 安装 $deb"
$SUDO dpkg -i "$deb"

# A clerk with an empty home, no display, the system-wide config (not a developer's).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
clerk() {
  env -u DISPLAY -u WAYLAND_DISPLAY -u CREDIT_DESK_CONFIG -u CREDIT_DESK_HOME \
    HOME="$scratch" QT_QPA_PLATFORM=offscreen CREDIT_DESK_OPERATOR=smoke "$@"
}
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }

echo "== 已安装程序自检"
start=$(date +%s%N)
clerk /usr/bin/credit-desk --self-test 2>/dev/null || fail "credit-desk --self-test"
echo "自检用时 $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ -z "$(ls -A "$scratch")" ] || fail "self-test wrote into the clerk's home: $(ls -A "$scratch")"

echo "== 记档一次，再卸载"
code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["black"])' resources/demo/known_codes.json)
item=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["item_with_measures"])' resources/demo/known_codes.json)
clerk /usr/bin/credit-desk check "$code" --item "$item" --record --case-no SMOKE-1 --outcome deferred \
  || fail "recorded check with the installed program"
cases="$scratch/.local/share/CreditDesk/cases.sqlite"
[ -f "$cases" ] || fail "no case file at $cases"
sum=$(sha256sum "$cases" | cut -d' ' -f1)
$SUDO dpkg -r credit-desk
[ ! -e /usr/bin/credit-desk ] && [ ! -e /opt/credit-desk/credit-desk ] || fail "program left after remove"
[ -f /etc/credit-desk/config.toml ] || fail "remove must keep the deployment config (conffile)"
$SUDO dpkg -P credit-desk
[ "$(sha256sum "$cases" | cut -d' ' -f1)" = "$sum" ] || fail "case file changed by remove/purge"

echo "== 重新安装，办件档案仍完整"
$SUDO dpkg -i "$deb"
clerk /usr/bin/credit-desk cases verify || fail "case file does not verify after reinstall"
echo "SMOKE OK: $deb"
