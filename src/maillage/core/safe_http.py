"""Outbound HTTP to an address someone typed, safely (no Django): the platform fetching a
manager's calendar (booking.ical_fetch), or posting to a partner's webhook (api.webhooks).

- `connection(url, allow_private, deadline)`: an http.client connection whose socket goes
  only to a checked address. Unless `allow_private`, an address that is not public (private
  networks, loopback, link-local such as cloud metadata at 169.254.169.254, multicast,
  reserved) is refused: the name is resolved once and the connection goes to the address
  checked, so a name resolving to a public address for a check and a private one for the
  request (DNS rebinding) cannot slip through.
- `Deadline(seconds)`: one time limit over a whole exchange (connection, headers, body): a
  timer shuts the sockets it watches at that instant, so a server trickling its answer a byte
  at a time cannot hold the caller longer.
Proxies from the environment are not used (http.client ignores them); redirects are the
caller's choice (http.client follows none).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import SplitResult

PRIVATE = (
    "L'adresse mène à un réseau privé ou à ce serveur lui-même : seules les adresses "
    "publiques d'Internet sont acceptées."
)


class FetchError(Exception):
    """The exchange was refused or failed: `message` says why, in French, for the person who
    typed the address."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_public(address: str) -> bool:
    """Whether an IP address is a public Internet address (IPv4-mapped IPv6 read as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class Deadline:
    """The instant (time.monotonic) an exchange must be over by: a timer shuts every socket
    `watch`ed at that instant, which wakes any read or TLS handshake waiting on it (it then
    sees the connection closed, and `expired` says why)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        """Seconds left (at least a millisecond: 0 would make a socket non-blocking)."""
        return max(0.001, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` at the deadline (through a duplicate: TLS takes over the original)."""
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                self._shut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """Cancel the timer and let the duplicates go."""
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _connector(allow_private: bool, deadline: Deadline) -> Callable[..., socket.socket]:
    """http.client's `_create_connection`: resolve, refuse non-public addresses, connect to
    an address checked, the socket shut at the deadline."""

    def connect(
        address: tuple[str, int], timeout: float | None = None, source: object = None
    ) -> socket.socket:
        host, port = address
        try:
            candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise FetchError(f"Le serveur « {host} » est introuvable.") from error
        allowed = [c for c in candidates if allow_private or is_public(str(c[4][0]))]
        if not allowed:
            raise FetchError(PRIVATE)
        for family, kind, proto, _name, sockaddr in allowed:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(deadline.left())
            try:
                sock.connect(sockaddr)
            except OSError:
                sock.close()
                continue
            deadline.watch(sock)
            return sock
        raise FetchError(f"Le serveur « {host} » refuse la connexion.")

    return connect


def connection(
    parts: SplitResult, allow_private: bool, deadline: Deadline
) -> http.client.HTTPConnection:
    """An unopened connection to the http(s) address `parts` (urlsplit), which connects
    through the checks above within `deadline`. Opening it raises FetchError (French) for a
    name that does not resolve, an address refused, or a server refusing the connection."""
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    opened = kind(parts.hostname or "", parts.port, timeout=deadline.left())
    opened._create_connection = _connector(allow_private, deadline)  # type: ignore[attr-defined]
    return opened


def target(parts: SplitResult) -> str:
    """The request target of `parts` (path and query, RFC 9112 origin-form)."""
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path
