"""gunicorn settings of `make run` (`gunicorn -c python:maillage.config.gunicorn …`).

The access log goes to standard output; its lines, and the error log's, pass through
maillage.config.logs.redact: calendar-feed, verification and reset tokens never reach a log.
They are JSON objects, one per line, as the platform's own (LOG_FORMAT, json by default).
"""

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
