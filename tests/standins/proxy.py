"""A local HTTPS proxy that lets a subprocess use the real https:// URLs against in-process stand-ins.

It accepts ``CONNECT host:443``, terminates TLS with a certificate for that host signed by a
throwaway test CA (trustme), and forwards every decrypted request, Host header unchanged, to the
plain-HTTP stand-in routed for that host. Plain ``GET http://host/...`` proxy requests are routed
the same way. Unknown hosts get 502, which a client sees as an unreachable network.

    with HttpsProxy({"www.ishares.com": issuers.address}) as proxy:
        subprocess.run([...], env={**os.environ, **proxy.env})
        assert proxy.requests["www.ishares.com"] == 1

Only HTTP/1.1 is offered by ALPN, so clients impersonating a browser do not switch to h2.
"""

from __future__ import annotations

import http.client
import ssl
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

import trustme

from tests.standins.server import BackgroundServer

#: Headers that describe one connection, not the message, and so are not passed on.
#: Bytes relayed at a time.
RELAY_CHUNK = 1 << 16
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}


class HttpsProxy(BackgroundServer):
    """The proxy server; ``routes`` maps a host name to the (host, port) of a plain-HTTP stand-in.

    ``delays`` maps a host name to seconds every answer from it is held back: a slow host.
    """

    def __init__(self, routes: Mapping[str, tuple[str, int]] | None = None, *, delays: Mapping[str, float] | None = None) -> None:
        super().__init__(_ProxyHandler)
        self.routes: dict[str, tuple[str, int]] = dict(routes or {})
        self.delays: dict[str, float] = dict(delays or {})
        self._stopping = threading.Event()
        #: Requests forwarded per host name (CONNECTs not counted).
        self.requests: Counter[str] = Counter()
        self._ca = trustme.CA()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        self._folder = tempfile.TemporaryDirectory(prefix="standin-proxy-")
        self.ca_file = Path(self._folder.name) / "test-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that send a subprocess's traffic here and make it trust the test CA."""
        ca = str(self.ca_file)
        variables = {"HTTPS_PROXY": self.url, "HTTP_PROXY": self.url, "NO_PROXY": "localhost,127.0.0.1"}
        # libcurl reads only the lower-case http_proxy, so both spellings are set.
        variables.update({name.lower(): value for name, value in variables.items()})
        variables.update({"CURL_CA_BUNDLE": ca, "REQUESTS_CA_BUNDLE": ca, "SSL_CERT_FILE": ca})
        return variables

    def tls_context(self, host: str) -> ssl.SSLContext:
        """A server TLS context with a certificate for ``host``, made on first use."""
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.set_alpn_protocols(["http/1.1"])
                self._ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context
            return context

    def count(self, host: str) -> None:
        with self._lock:
            self.requests[host] += 1

    def stop(self) -> None:
        self._stopping.set()  # release held answers at once
        super().stop()
        self._folder.cleanup()


class _Forwarding(BaseHTTPRequestHandler):
    """Passes each request on to a stand-in over one kept-alive connection and relays the answer."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    _backend: http.client.HTTPConnection | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def finish(self) -> None:
        super().finish()
        if self._backend is not None:
            self._backend.close()

    def forward(self, host: str, path: str) -> None:
        proxy: HttpsProxy = self.server.owner  # type: ignore[attr-defined]
        target = proxy.routes.get(host)
        if target is None:
            self.send_error(502, f"no route to {host}")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if self._backend is None or (self._backend.host, self._backend.port) != target:
            self._backend = http.client.HTTPConnection(*target, timeout=30)
        proxy.count(host)
        if proxy.delays.get(host):
            proxy._stopping.wait(proxy.delays[host])
        try:
            self._backend.request(self.command, path, body, headers)
            answer = self._backend.getresponse()
        except OSError as error:
            self._backend.close()
            self.send_error(502, f"stand-in for {host} unreachable: {error}")
            return
        # Relayed as it arrives, never held whole (an answer may be a 300 MB body or a bomb).
        length = answer.getheader("Content-Length")
        chunked = length is None
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cut_short = False
        sent = 0
        try:
            while True:
                try:
                    chunk = answer.read1(RELAY_CHUNK)
                except http.client.IncompleteRead as partial:
                    chunk, cut_short = partial.partial, True
                if chunk:
                    sent += len(chunk)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                if cut_short or not chunk:
                    break
            cut_short = cut_short or (not chunked and sent < int(length))
            if not cut_short:
                answer.read()  # the end of the body: frees the backend connection for the next request
            if chunked and not cut_short:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client hung up (it refused a body too large): so does the relay
            cut_short = True
        if cut_short or answer.will_close:
            # Pass a dropped download on as a dropped download, with its promised length.
            self.close_connection = True
            self._backend.close()


class _TunnelHandler(_Forwarding):
    """Requests arriving inside one decrypted CONNECT tunnel, all for the same host."""

    def __init__(self, connection: ssl.SSLSocket, client_address: tuple, server: ThreadingHTTPServer, host: str) -> None:
        self.tunnel_host = host
        super().__init__(connection, client_address, server)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.forward(self.tunnel_host, self.path)

    do_POST = do_GET


class _ProxyHandler(_Forwarding):
    def do_CONNECT(self) -> None:  # noqa: N802 - http.server's naming
        proxy: HttpsProxy = self.server.owner  # type: ignore[attr-defined]
        host = self.path.rpartition(":")[0]
        if host not in proxy.routes:
            self.send_error(502, f"no route to {host}")
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        try:
            tunnel = proxy.tls_context(host).wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        try:
            _TunnelHandler(tunnel, self.client_address, self.server, host)
        finally:
            tunnel.close()
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        target = urlsplit(self.path)
        self.forward(target.hostname or "", target.path + (f"?{target.query}" if target.query else ""))

    do_POST = do_GET
