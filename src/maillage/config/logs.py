"""Logs never hold the secret tokens some addresses carry.

A calendar feed (`/calendrier/<token>.ics`), an email verification link and a password reset
link are capabilities: whoever reads the address may use it. The routes that carry one are
found in the URLconf by the name of their parameter (SECRET_PARAMETERS), so a new route named
so is covered without a list to keep (nginx's access log has its own list, to keep in step:
the `map $request_uri $maillage_logged_uri` of ops/deploy/nginx/maillage.conf). Every log line
(Django's `django.request` warnings, gunicorn's access and error logs:
maillage.config.gunicorn) is passed through `redact`, which replaces each such parameter,
wherever the address appears in the line (request line, path, referrer), by REDACTED.

In production every line is one JSON object (JsonLines), redacted as a whole: the message,
the traceback and the fields a record carries besides (Django's `request`, whose text holds
the path).
"""

import logging
import re
from functools import cache

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from pythonjsonlogger.json import JsonFormatter

SECRET_PARAMETERS = frozenset({"token", "uidb64"})
REDACTED = "[secret]"
# An address ends where a character that cannot continue its path follows (its query or
# fragment, a space, a quote, a bracket, a comma…) or the line ends.
_END = r"(?![\w/.~%-])"


def _routes(patterns, prefix: str = ""):
    """(regex source, pattern) of every endpoint, prefixes of included URLconfs joined."""
    for entry in patterns:
        source = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + source)
        elif isinstance(entry, URLPattern):
            yield prefix + source.removesuffix(r"\Z").removesuffix("$")


@cache
def secret_routes() -> tuple[re.Pattern, ...]:
    """Regexes of the addresses (from their leading "/") whose parameters are secret."""
    found = []
    for source in _routes(get_resolver().url_patterns):
        if any(f"(?P<{name}>" in source for name in SECRET_PARAMETERS):
            found.append(re.compile("/" + source + _END))
    return tuple(found)


def _mask(match: re.Match) -> str:
    text = match.group(0)
    start = match.start()
    pieces, cursor = [], 0
    secret_spans = sorted(
        match.span(name) for name in SECRET_PARAMETERS if name in match.re.groupindex
    )
    for begin, end in secret_spans:
        if begin < 0:
            continue
        pieces.append(text[cursor : begin - start])
        pieces.append(REDACTED)
        cursor = end - start
    pieces.append(text[cursor:])
    return "".join(pieces)


def redact(text: str) -> str:
    """``text`` with the secret parameters of every address in it replaced by REDACTED."""
    # Before Django is set up (gunicorn's master starting) no request has been served.
    if "/" not in text or not apps.ready:
        return text
    for route in secret_routes():
        text = route.sub(_mask, text)
    return text


class RedactSecretPaths(logging.Filter):
    """Logging filter: the record's message, formatted, and its traceback text with secret
    path parameters redacted (the arguments are then dropped: the message is final)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the logging module's to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        # The traceback a handler appends (formatters reuse exc_text once set).
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonLines(JsonFormatter):
    """One JSON object per line (python-json-logger): {"time" (ISO 8601, UTC), "level",
    "logger", "message", "request_id" (the request's X-Request-ID, django-guid; null outside a
    request), "exc_info" (a traceback), and any `extra` field}, the whole line
    passed through `redact` (the formatter writes the traceback and the extra fields anew,
    after RedactSecretPaths has seen the record)."""

    def __init__(self):
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger", "correlation_id": "request_id"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
