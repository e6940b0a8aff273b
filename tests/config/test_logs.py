"""Secret tokens in addresses never reach a log: gunicorn's access and error logs, Django's."""

import io
import json
import logging
import re
import secrets
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from gunicorn.config import Config

from maillage.config import gunicorn as gunicorn_settings
from maillage.config.logs import REDACTED, SECRET_PARAMETERS, RedactSecretPaths, redact
from tests.config.test_settings import PRODUCTION_ENV, run_maillage

TOKEN = "Zq8xS3cr3tT0k3n-abcdefghijklmnop"
SECRET_ADDRESSES = [
    ("booking:feed", {"token": TOKEN}),
    ("booking:place_feed", {"token": TOKEN, "slug": "la-ruche"}),
    ("accounts:verify_email", {"token": TOKEN}),
    ("accounts:password_reset_confirm", {"uidb64": "MTI", "token": TOKEN}),
]


@pytest.mark.parametrize(("name", "kwargs"), SECRET_ADDRESSES, ids=lambda v: str(v))
def test_every_secret_address_is_redacted_wherever_it_appears(name, kwargs):
    url = reverse(name, kwargs=kwargs)
    lines = [
        url,
        f'127.0.0.1 - - "GET {url}?next=/reserver/ HTTP/1.1" 200 512 "-" "Mozilla"',
        f'"GET /static/web/maillage.css HTTP/1.1" 200 - "https://tiers-lieux.example{url}"',
        f"Not Found: {url}",
        f"Espace 12 : verrou non obtenu ({url}), « {url} ».",
    ]
    for line in lines:
        redacted = redact(line)
        assert TOKEN not in redacted and REDACTED in redacted
    assert redact(url).count("/") == url.count("/")  # only the parameter is replaced


def test_other_addresses_are_left_alone():
    line = '"GET /lieux/la-ruche/?commune=92012 HTTP/1.1" 200 "/calendrier/"'
    assert redact(line) == line


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.regex.groupindex


def test_every_route_parameter_that_looks_secret_is_redacted():
    """A new route with a secret in its path must name it so that the logs redact it."""
    looks_secret = re.compile(r"token|secret|key|uid|signature|code", re.IGNORECASE)
    for route, parameters in walk(get_resolver().url_patterns):
        for parameter in parameters:
            if looks_secret.search(parameter):
                assert parameter in SECRET_PARAMETERS, route


def gunicorn_logger(tmp_path):
    config = Config()
    config.set("logger_class", gunicorn_settings.logger_class)
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %({raw_uri}e)s')
    return config.logger_class(config)


@pytest.mark.parametrize(("name", "kwargs"), SECRET_ADDRESSES, ids=lambda v: str(v))
def test_gunicorn_logs_no_token(tmp_path, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    logger = gunicorn_logger(tmp_path)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{url}?x=1",
        "PATH_INFO": url,
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": f"http://127.0.0.1:8000{url}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    logger.error("Error handling request %s", url)
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.close()
    access = (tmp_path / "access.log").read_text()
    errors = (tmp_path / "error.log").read_text()
    assert "192.0.2.7" in access and " 200 " in access  # the line is still there
    secrets_in_url = len(SECRET_PARAMETERS & set(kwargs))
    assert TOKEN not in access and access.count(REDACTED) == 4 * secrets_in_url
    assert TOKEN not in errors and REDACTED in errors
    # One JSON object per line, as the platform's own logs.
    lines = [json.loads(line) for line in (access + errors).splitlines()]
    assert [line["logger"] for line in lines] == ["gunicorn.access", "gunicorn.error"]


def test_make_run_uses_the_redacting_config():
    from pathlib import Path

    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    run_gunicorn = [line for line in makefile.splitlines() if "gunicorn " in line]
    assert run_gunicorn and all(
        "-c python:maillage.config.gunicorn" in line for line in run_gunicorn
    )
    assert gunicorn_settings.accesslog == "-"


@pytest.mark.django_db
def test_django_request_warnings_log_no_token(client):
    """A 404 on a feed address is logged by django.request through the console handler."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretPaths) for f in handler.filters)
    ]
    assert handlers, "the console handler of settings.LOGGING redacts"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    try:
        response = client.get(reverse("booking:feed", kwargs={"token": TOKEN}))
    finally:
        handlers[0].setStream(previous)
    assert response.status_code == 404
    logged = stream.getvalue()
    assert f"Not Found: /calendrier/{REDACTED}.ics" in logged
    assert TOKEN not in logged


def test_every_log_handler_redacts():
    """Each handler a logger of the platform writes to passes its records through the filter
    (Django's default handlers are replaced in settings.LOGGING)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.name.startswith("gunicorn")
    ]
    unfiltered = [
        f"{logger.name}: {handler!r}"
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)
        and not any(isinstance(f, RedactSecretPaths) for f in handler.filters)
    ]
    assert unfiltered == []


def test_a_traceback_is_redacted_too():
    url = reverse("booking:feed", kwargs={"token": TOKEN})
    try:
        raise ValueError(f"Adresse refusée : {url}")
    except ValueError:
        record = logging.getLogger("test").makeRecord(
            "test", logging.ERROR, __file__, 1, "Erreur sur %s", (url,), sys.exc_info()
        )
    RedactSecretPaths().filter(record)
    text = logging.Formatter().format(record)
    assert "Traceback" in text and "ValueError" in text
    assert TOKEN not in text and REDACTED in text


def test_a_foreign_host_is_refused_without_a_logged_traceback(client):
    """Anyone can send many: a 400 each (French page), and nothing written to the log."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretPaths) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    try:
        response = client.get("/", HTTP_HOST="ailleurs.exemple")
    finally:
        handlers[0].setStream(previous)
    assert response.status_code == 400
    assert "Traceback" not in stream.getvalue() and "ailleurs" not in stream.getvalue()


PRODUCTION_LOGGING = """
import logging
from types import SimpleNamespace
from django.urls import reverse

url = reverse("booking:feed", kwargs={"token": "%(token)s"})
logging.getLogger("maillage.booking.sql").warning("Espace 12 : verrou non obtenu (%%s)", url)
try:
    raise ValueError(f"Adresse refusée : {url}")
except ValueError:
    logging.getLogger("maillage.booking.notifications").exception("Échec de l'envoi 7")
logging.getLogger("django.request").warning(
    "Not Found: %%s", url, extra={"status_code": 404, "request": SimpleNamespace(path=url)}
)
"""


def test_production_logs_are_one_redacted_json_object_per_line(tmp_path):
    result = run_maillage(
        tmp_path,
        "shell",
        "-c",
        PRODUCTION_LOGGING % {"token": TOKEN},
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["level"], line["logger"]) for line in lines] == [
        ("WARNING", "maillage.booking.sql"),
        ("ERROR", "maillage.booking.notifications"),
        ("WARNING", "django.request"),
    ]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert lines[0]["message"] == f"Espace 12 : verrou non obtenu (/calendrier/{REDACTED}.ics)"
    assert "Traceback" in lines[1]["exc_info"] and "ValueError" in lines[1]["exc_info"]
    assert lines[2]["status_code"] == 404
    assert TOKEN not in result.stderr
    assert result.stderr.count(REDACTED) == 4  # two messages, a traceback, a request


def test_logs_are_plain_text_on_demand(tmp_path):
    script = 'import logging; logging.getLogger("maillage.test").warning("Espace 12")'
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    text = run_maillage(tmp_path, "shell", "-c", script, LOG_FORMAT="text", **env)
    assert text.stderr.rstrip().endswith(" WARNING maillage.test Espace 12"), text.stderr
    wrong = run_maillage(tmp_path, "check", LOG_FORMAT="xml", **env)
    assert wrong.returncode != 0 and "LOG_FORMAT must be one of json, text" in wrong.stderr
