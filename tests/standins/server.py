"""What every stand-in server shares: a threaded HTTP server on 127.0.0.1 run from a daemon thread."""

from __future__ import annotations

import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar


class QuietServer(ThreadingHTTPServer):
    """A threaded server for which a client hanging up mid-answer (a timeout) is no error to print."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)


Server = TypeVar("Server", bound="BackgroundServer")


class BackgroundServer:
    """A threaded HTTP server on 127.0.0.1, serving from a daemon thread while the ``with`` lasts.

    Handlers reach the object that owns them as ``self.server.owner``.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = QuietServer(("127.0.0.1", 0), handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port), e.g. for routing a proxy to this server."""
        host, port = self._server.server_address[:2]
        return host, port

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def start(self: Server) -> Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self: Server) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
