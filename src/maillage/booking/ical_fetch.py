"""Fetching a calendar file another tool publishes, safely (no Django).

`fetch(url, limits)` GETs an http(s) address and returns its body, or raises FetchError with a
French message for the manager. What it refuses:
- any scheme but http and https (webcal:// is named: it is https:// under another name), an
  address with a user name or password, or without a host;
- unless `limits.allow_private`, any connection to an address that is not public (private
  networks, loopback, link-local such as cloud metadata at 169.254.169.254, multicast,
  reserved): names are resolved once and the connection goes to the address checked, so a
  name resolving to a public address for a check and a private one for the fetch cannot
  slip through; redirects (at most MAX_REDIRECTS) are checked the same way;
- a body over `limits.max_bytes` (announced or read), an answer other than 200, and a
  transfer longer than `limits.timeout_seconds` in all: connection, headers, body and
  redirects together. A timer shuts the socket at that deadline, so a server trickling its
  headers or body a byte at a time cannot hold the fetch longer.
Proxies from the environment are not used (http.client ignores them).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from maillage.core.text import ascii_digits, french_number

MAX_REDIRECTS = 5
USER_AGENT = "Maillage/1 (import d'agenda iCalendar)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """The file could not be fetched: `message` says why, in French, for the manager."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How far a fetch may go: body size (bytes), total time (seconds), private addresses."""

    max_bytes: int
    timeout_seconds: float
    allow_private: bool = False


PRIVATE = (
    "L'adresse mène à un réseau privé ou à ce serveur lui-même : seules les adresses "
    "publiques d'Internet sont acceptées."
)


def url_error(url: str) -> str | None:
    """Why `url` may not be fetched whatever it resolves to (French), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unclosed «[» of an IPv6 address, say
        return "L'adresse n'est pas valide : vérifiez-la dans votre outil."
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        return "Remplacez « webcal:// » par « https:// » au début de l'adresse."
    if scheme not in ("http", "https"):
        return "L'adresse doit commencer par « https:// » (ou « http:// »)."
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Le port de l'adresse n'est pas valide."
    if not parts.hostname:
        return "L'adresse doit nommer un serveur, par exemple https://agenda.exemple.fr/…"
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        return "Le nom du serveur n'est pas valide (trop long, ou un caractère interdit)."
    if parts.username is not None or parts.password is not None:
        return (
            "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : utilisez "
            "l'adresse secrète de partage que votre outil fournit."
        )
    return None


def is_public(address: str) -> bool:
    """Whether an IP address is a public Internet address (IPv4-mapped IPv6 read as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _Deadline:
    """The instant (time.monotonic) a fetch must be over by: a timer shuts every socket
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


def _connector(allow_private: bool, deadline: _Deadline) -> Callable[..., socket.socket]:
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


def _get(url: str, limits: Limits, deadline: _Deadline) -> tuple[int, str | None, bytes]:
    """One GET: (status, Location header, body read within the limits)."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=deadline.left())
    connection._create_connection = _connector(limits.allow_private, deadline)  # type: ignore[attr-defined]
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/calendar, */*;q=0.5",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location"), b""
        announced = response.getheader("Content-Length")
        if announced and ascii_digits(announced) and int(announced) > limits.max_bytes:
            raise FetchError(_too_big(limits))
        body = bytearray()
        while chunk := response.read1(min(CHUNK, limits.max_bytes + 1 - len(body))):
            body += chunk
            if len(body) > limits.max_bytes:
                raise FetchError(_too_big(limits))
        if deadline.expired:  # the end seen may be the timer's shutdown: the body is cut
            raise FetchError(_too_slow(limits))
        return 200, None, bytes(body)
    finally:
        connection.close()


def _too_big(limits: Limits) -> str:
    size = french_number(limits.max_bytes / 1_000_000)
    return f"Le fichier dépasse la taille maximale acceptée ({size} Mo)."


def _too_slow(limits: Limits) -> str:
    seconds = french_number(limits.timeout_seconds)
    return f"Le serveur n'a pas envoyé le fichier dans les {seconds} secondes."


def fetch(url: str, limits: Limits) -> bytes:
    """The body of `url` (GET, following at most MAX_REDIRECTS redirects). Raises FetchError
    (French message) on any refusal or failure: see the module's docstring."""
    deadline = _Deadline(limits.timeout_seconds)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if problem := url_error(url):
                raise FetchError(problem)
            status, location, body = _answer(url, limits, deadline)
            if status == 200:
                return body
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            raise FetchError(f"Le serveur a répondu par une erreur HTTP {status}.")
        raise FetchError(f"Trop de redirections (plus de {MAX_REDIRECTS}).")
    finally:
        deadline.stop()


def _answer(url: str, limits: Limits, deadline: _Deadline) -> tuple[int, str | None, bytes]:
    """_get, its failures told in French."""
    try:
        return _get(url, limits, deadline)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired or isinstance(error, TimeoutError):
            raise FetchError(_too_slow(limits)) from error
        raise FetchError(
            "La connexion au serveur a échoué (certificat, réseau ou réponse invalide)."
        ) from error
