"""Browser capture: a loopback HTTP endpoint and an inbox folder, both doors to ``Library``.

One module per job:

- ``config``: the port (``--port``, ``READER_CAPTURE_PORT``, the default) and the inbox folder setting;
- ``token``: the secret a browser extension or script must send, kept in a 0600 file;
- ``checks``: who may knock (Host, Origin, token, size, content type), as pure functions;
- ``forms``: a request body (JSON or SingleFile's multipart form) -> the page to save;
- ``door``: the page or file -> the same importer as ``reader add`` -> ``Library``;
- ``server``: the HTTP server on 127.0.0.1 (a thread per request);
- ``inbox``: the folder watcher (a polling thread);
- ``runtime``: all of it started and stopped together, as ``reader serve`` and the window run it.
- ``serve``: ``reader serve``, the runtime in the foreground until SIGINT or SIGTERM.

Nothing here imports Qt; the window hosts the same runtime and hears about imports through
``Library``'s ``Changes`` and the runtime's event callback.
"""

from __future__ import annotations
