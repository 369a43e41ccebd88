#!/usr/bin/env bash
# Build the self-contained store-client bundle (PyInstaller, one folder) and its .deb.
#   bash packaging/build_bundle.sh            -> dist/store-client/ and dist/store-client_<v>_amd64.deb
#   SKIP_DEB=1 bash packaging/build_bundle.sh -> the folder only
# Needs the project's virtualenv with the 'bundle' extra (pip install -e '.[bundle]').
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/store-client.spec
echo "bundle: dist/store-client ($(du -sh dist/store-client | cut -f1))"
if [ "${SKIP_DEB:-0}" != 1 ]; then
  bash packaging/build_deb.sh
fi
