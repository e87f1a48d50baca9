"""Reaching a stand-in for a service with a fixed address (``https://discord.com/api/webhooks/…``,
``https://api.telegram.org/bot…``) from a real Airdate process, without touching its code or the network.

Apprise's plugins post with ``requests``, which reads the environment on every request (``trust_env``):
``HTTPS_PROXY`` names this module's CONNECT proxy and ``REQUESTS_CA_BUNDLE`` its throwaway CA (made by
``trustme``). The proxy sends a CONNECT for a host it stands in for to that stand-in's port on
127.0.0.1, whose certificate the CA issued for that host name; every other CONNECT is refused (403) and
recorded, so nothing leaves the machine. :meth:`Intercept.environment` is what the server is started
with."""

import select
import socket
import ssl
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import trustme

from .threaded import ThreadedServer, answer


class Intercept(ThreadedServer):
    """``with Intercept() as proxy:``; ``proxy.tls_for("discord.com")`` is the context a stand-in serves
    with, ``proxy.route("discord.com", port)`` sends that host's CONNECTs there; ``refused`` lists the
    ``host:port`` asked that no stand-in serves."""

    name = "connect-proxy"

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.routes: dict[str, int] = {}
        self.refused: list[str] = []
        self.tunnels: list[str] = []
        self._folder = tempfile.TemporaryDirectory(prefix="airdate-ca-")
        self.ca_file = Path(self._folder.name) / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        super().__init__(_handler(self))

    def tls_for(self, *hosts: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*hosts).configure_cert(context)
        return context

    def route(self, host: str, port: int) -> None:
        self.routes[host.lower()] = port

    def environment(self) -> dict[str, str]:
        """For the process under test: every HTTPS request through the proxy, trusting the CA."""
        proxy = f"http://127.0.0.1:{self.port}"
        return {
            "HTTPS_PROXY": proxy,
            "https_proxy": proxy,
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
            "SSL_CERT_FILE": str(self.ca_file),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }

    def stop(self) -> None:
        super().stop()
        self._folder.cleanup()


def _handler(proxy: Intercept) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:
            host, _, port = self.path.rpartition(":")
            target = proxy.routes.get(host.lower()) if port == "443" else None
            with proxy.lock:
                (proxy.tunnels if target else proxy.refused).append(self.path)
            if target is None:
                answer(self, 403, b"only the stand-ins' hosts are served here", "text/plain")
                return
            with socket.create_connection(("127.0.0.1", target), timeout=10) as upstream:
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                _relay(self.connection, upstream)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _relay(one: socket.socket, other: socket.socket) -> None:
    """Bytes both ways until either side closes (or nothing moves for 30 s)."""
    peers = {one: other, other: one}
    while True:
        ready, _, _ = select.select(list(peers), [], [], 30)
        if not ready:
            return
        for side in ready:
            try:
                data = side.recv(65536)
            except OSError:
                return
            if not data:
                return
            peers[side].sendall(data)
