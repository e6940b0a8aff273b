"""gunicorn settings of `make run` (`gunicorn -c python:maillage.config.gunicorn …`).

The access log goes to standard output; its lines, and the error log's, pass through
maillage.config.logs.redact: calendar-feed, verification and reset tokens never reach a log.
"""

from gunicorn.glogging import Logger

from maillage.config.logs import RedactSecretPaths

_REDACT = RedactSecretPaths()


class RedactingLogger(Logger):
    """gunicorn's logger, with secret path parameters redacted from every line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(_REDACT)


logger_class = RedactingLogger
accesslog = "-"
