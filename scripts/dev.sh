#!/usr/bin/env bash
# Set up everything store-client needs on a fresh Debian/Ubuntu machine, then run it.
#   bash scripts/dev.sh demo [store-client demo options]   -> the demo store
#   bash scripts/dev.sh test [pytest options]              -> the whole test suite
# As root it installs the system packages Qt, the fonts and the HQ tests need; otherwise it
# lists the missing ones with the command to install them. Python packages go into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$(pwd)
VENV="$ROOT_DIR/.venv"
mode="${1:-}"; shift || true
case "$mode" in demo|test) ;; *) echo "usage: bash scripts/dev.sh demo|test [args...]" >&2; exit 2;; esac

# Libraries Qt's xcb/offscreen platforms load, plus PostgreSQL for the HQ tests and Xvfb-free fonts.
SYSTEM_PACKAGES=(libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0
  libxkbcommon-x11-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6
  fontconfig)
# PostgreSQL for the HQ tests; Chromium (Debian's, driven by Playwright) and a CJK font for
# the web page tests.
[ "$mode" = test ] && SYSTEM_PACKAGES+=(postgresql chromium fonts-noto-cjk)

python_bin() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  PY=$(python_bin || true)
  if [ -z "$PY" ]; then missing+=(python3 python3-venv)
  elif ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then missing+=(python3-venv); fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "== missing system packages: ${missing[*]}" >&2
    echo "   install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

PY=$(python_bin) || { echo "Python 3.11 or newer is required" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "== installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[test]"
  rm -f "$VENV"/.installed-*; touch "$stamp"
fi

if [ "$mode" = demo ]; then
  exec "$VENV/bin/store-client" demo "$@"
fi

export QT_QPA_PLATFORM=offscreen
# Two runs: everything but the timing-sensitive tests (marked serial; all of tests/ui) on several workers (most tests wait on
# sockets, subprocesses and timers, so workers beyond the cores pay), then those alone.
# pytest's exit code 5 (nothing collected) counts as a failure unless the other run ran tests.
WORKERS="${PYTEST_WORKERS:-4}"
set +e
"$VENV/bin/python" -m pytest -m "not serial" -n "$WORKERS" --dist loadfile "$@"
parallel=$?
# The parallel run leaves the disk writing back what it wrote; the serial tests time fsync'd
# commits (a kill test counts the sales made between kills), so let that finish first.
sync
"$VENV/bin/python" -m pytest -m serial "$@"
serial=$?
set -e
if [ $parallel -eq 5 ] && [ $serial -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
[ $parallel -eq 5 ] && parallel=0
[ $serial -eq 5 ] && serial=0
if [ $parallel -ne 0 ]; then exit $parallel; fi
exit $serial
