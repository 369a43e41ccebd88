"""store-client: the counter-PC application of an omnichannel retail store."""

import time as _time

#: perf_counter when the package was first imported: the cold-start reference
#: for ``store-client run --exit-when-ready`` (both entry points import this first).
STARTED_AT = _time.perf_counter()

__version__ = "0.1.0"
