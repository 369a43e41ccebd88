"""Receipt printing: a device-independent document, renderers and a persistent print queue.

Everything here is Qt-free except :mod:`printers.preview`.
"""

import os as _os

import platformdirs as _platformdirs


def _persistent_escpos_cache() -> None:
    """python-escpos parses its 1 MB capabilities YAML at import (~150 ms) and caches the
    result in a *fresh* temporary folder per process unless told where to keep it, so the
    cache never hits and a folder leaks per start. Keep it in our cache folder instead."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in _os.environ:
        return
    folder = _os.path.join(_platformdirs.user_cache_dir("store-client", appauthor=False), "escpos")
    try:
        _os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # read-only profile: escpos falls back to its own temporary folder
    _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder


_persistent_escpos_cache()
