"""gunicorn settings of `make run` (`gunicorn -c python:maillage.config.gunicorn …`).

The access log goes to standard output; its lines, and the error log's, pass through
maillage.config.logs.redact: calendar-feed, verification and reset tokens never reach a log.
They are JSON objects, one per line, as the platform's own (LOG_FORMAT, json by default);
each access line ends with the request's id (X-Request-ID), as the platform's lines carry it.

The workers count requests for Prometheus in one shared directory (prometheus_client's
multiprocess mode; PROMETHEUS_MULTIPROC_DIR, or a temporary one), emptied at each start, so
that /metrics answers the sum of all the workers whichever one is asked.
"""

import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.glogging import Logger

from maillage.config.environment import log_format
from maillage.config.logs import JsonLines, RedactSecretPaths

_REDACT = RedactSecretPaths()


class RedactingLogger(Logger):
    """gunicorn's logger, with secret path parameters redacted from every line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(_REDACT)
            if log_format() == "json":
                for handler in log.handlers:
                    handler.setFormatter(JsonLines())


logger_class = RedactingLogger
accesslog = "-"
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)


# The metrics directory this server made itself (removed when it stops), or None when
# PROMETHEUS_MULTIPROC_DIR named one (only its metric files are removed).
_own_metrics_dir: str | None = None


def _clear_metric_files(directory: str) -> None:
    for stale in Path(directory).glob("*.db"):
        stale.unlink(missing_ok=True)


def on_starting(server):
    """The metrics directory, inherited by the workers forked from here: the one
    PROMETHEUS_MULTIPROC_DIR names, cleared of a previous run's metric files (*.db; nothing
    else in it is touched), or a new temporary one. Set before any process imports
    prometheus_client, which picks its storage when imported (the master never does;
    workers import the application after the fork, gunicorn's default without --preload)."""
    global _own_metrics_dir
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        os.makedirs(given, exist_ok=True)
        _clear_metric_files(given)
    else:
        _own_metrics_dir = tempfile.mkdtemp(prefix="maillage-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir


def child_exit(server, worker):
    """A worker gone: its live gauges leave the sum (prometheus_client's multiprocess mode)."""
    # Imported here, never at the top: the master must not pick the storage before the
    # directory is set (on_starting), or the workers forked from it would inherit that choice.
    from prometheus_client import multiprocess  # noqa: PLC0415

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """The metric files go with the server; a temporary directory it made, too."""
    if _own_metrics_dir is not None:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
    else:
        _clear_metric_files(os.environ["PROMETHEUS_MULTIPROC_DIR"])
