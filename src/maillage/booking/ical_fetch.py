"""Fetching a calendar file another tool publishes, safely (no Django).

`fetch(url, limits)` GETs an http(s) address and returns its body, or raises FetchError with a
French message for the manager. What it refuses:
- any scheme but http and https (webcal:// is named: it is https:// under another name), an
  address with a user name or password, or without a host;
- unless `limits.allow_private`, any connection to an address that is not public
  (core.safe_http: names resolved once, the connection made to the address checked);
  redirects (at most MAX_REDIRECTS) are checked the same way;
- a body over `limits.max_bytes` (announced or read), an answer other than 200, and a
  transfer longer than `limits.timeout_seconds` in all: connection, headers, body and
  redirects together (core.safe_http.Deadline).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from maillage.core import safe_http
from maillage.core.safe_http import Deadline, FetchError
from maillage.core.text import ascii_digits, french_number

MAX_REDIRECTS = 5
USER_AGENT = "Maillage/1 (import d'agenda iCalendar)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How far a fetch may go: body size (bytes), total time (seconds), private addresses."""

    max_bytes: int
    timeout_seconds: float
    allow_private: bool = False


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


def _get(url: str, limits: Limits, deadline: Deadline) -> tuple[int, str | None, bytes]:
    """One GET: (status, Location header, body read within the limits)."""
    parts = urlsplit(url)
    connection = safe_http.connection(parts, limits.allow_private, deadline)
    try:
        connection.request(
            "GET",
            safe_http.target(parts),
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
    deadline = Deadline(limits.timeout_seconds)
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


def _answer(url: str, limits: Limits, deadline: Deadline) -> tuple[int, str | None, bytes]:
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
