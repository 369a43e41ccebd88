"""Receipt printing: a device-independent document, renderers and a persistent print queue.

Everything here is Qt-free except :mod:`printers.preview`.
"""

import atexit as _atexit
import importlib.util as _importlib_util
import os as _os
import platform as _platform
import shutil as _shutil
import tempfile as _tempfile

import platformdirs as _platformdirs


def _persistent_escpos_cache() -> None:
    """python-escpos parses its 1 MB capabilities YAML at import (~150 ms) and caches the
    result in a *fresh* temporary folder per process unless told where to keep it, so the
    cache never hits and a folder leaks per start. Keep it in our cache folder instead.

    escpos writes its pickle in place, so a process starting beside one that is writing it
    would read half a file. A process that finds no fresh cache therefore lets escpos write
    into a private folder and renames the finished file into the shared one (atomic)."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in _os.environ:
        return
    folder = _os.path.join(_platformdirs.user_cache_dir("store-client", appauthor=False), "escpos")
    try:
        _os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # read-only profile: escpos falls back to its own temporary folder
    name = f"{_platform.python_version()}.capabilities.pickle"
    shared = _os.path.join(folder, name)
    if _fresh(shared):
        _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder
        return
    private = _tempfile.mkdtemp(dir=folder)
    _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = private

    def publish() -> None:
        written = _os.path.join(private, name)
        try:
            if _os.path.exists(written):
                _os.replace(written, shared)
        except OSError:
            pass
        _shutil.rmtree(private, ignore_errors=True)

    _atexit.register(publish)


def _fresh(pickle_path: str) -> bool:
    """True if the shared pickle exists and is newer than escpos's capabilities file."""
    try:
        spec = _importlib_util.find_spec("escpos")
        origin = spec.origin if spec else None
        source = _os.path.join(_os.path.dirname(origin), "capabilities.json") if origin else None
        return _os.path.getmtime(pickle_path) >= (_os.path.getmtime(source) if source else 0)
    except OSError:
        return False


_persistent_escpos_cache()
