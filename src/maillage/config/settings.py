"""Settings, read from environment variables only (see the README for the list)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from csp.constants import NONE, SELF

from maillage.config.environment import (
    env_bool,
    env_email,
    env_int,
    env_int_list,
    env_line,
    env_list,
    log_format,
    origin_of,
    production_secret_key,
    production_site_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MAILLAGE_DATA_DIR", Path.cwd() / "var"))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "django-insecure-development-only"
    if DEBUG
    else production_secret_key(os.environ.get("SECRET_KEY"))
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The active département (INSEE code); any Île-de-France one has vendored reference data.
MAILLAGE_DEPARTEMENT = os.environ.get("MAILLAGE_DEPARTEMENT", "92")
# Map tiles: any XYZ template; empty disables the background (outlines and markers still draw).
MAILLAGE_TILES_URL = os.environ.get(
    "MAILLAGE_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
# Absolute address of the platform, for links in emails.
MAILLAGE_SITE_URL = os.environ.get("MAILLAGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Walking access in the observatory: straight-line distance × detour, at this speed.
MAILLAGE_WALKING_SPEED_KMH = float(os.environ.get("MAILLAGE_WALKING_SPEED_KMH", "4.5"))
MAILLAGE_DETOUR_FACTOR = float(os.environ.get("MAILLAGE_DETOUR_FACTOR", "1.3"))
MAILLAGE_TILES_ATTRIBUTION = os.environ.get(
    "MAILLAGE_TILES_ATTRIBUTION", "© contributeurs OpenStreetMap"
)

INSTALLED_APPS = [
    "maillage.web",  # first: its templates override the admin's and the error pages
    # Django's admin, entered by whom places.permissions lets in (the back-office).
    "maillage.places.apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "corsheaders",
    "maillage.core",
    "maillage.accounts",
    "maillage.eligibility",
    "maillage.territory",
    "maillage.places",
    "maillage.observatory",
    "maillage.booking",
    "maillage.events",
    "maillage.offices",
    "maillage.community",
    "maillage.programmes",
    "maillage.reimbursements",
    "maillage.api",
    "maillage.manager",
    "maillage.demo",
    "maillage.monitoring",  # readiness and metrics, reading every app's state
    "maillage.bench",  # the `bench` command, above every app it measures
    "django_guid",
]

# Eligibility statuses ended (or refused) longer ago than this are deleted, with their logs.
MAILLAGE_STATUS_RETENTION_DAYS = env_int("MAILLAGE_STATUS_RETENTION_DAYS", 365, minimum=1)
# Office requests (offices): their personal data is erased this many days after they were
# sent; their figures stay for the Département's view of demand.
MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS = env_int(
    "MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS", 365, minimum=30
)
# Retention (core.retention, daily purges; stated on «Données personnelles»), in days, at
# most RETENTION_MAX_DAYS: results of finished background tasks; logins and login attempts
# (django-axes); emails sent or abandoned (the outbox: addresses and content); action logs
# («who did what»: accounts, managers, events, offers, community, embeds, partner apps).
RETENTION_MAX_DAYS = 3650
MAILLAGE_TASK_RESULT_RETENTION_DAYS = env_int(
    "MAILLAGE_TASK_RESULT_RETENTION_DAYS", 30, minimum=1, maximum=RETENTION_MAX_DAYS
)
MAILLAGE_ACCESS_LOG_RETENTION_DAYS = env_int(
    "MAILLAGE_ACCESS_LOG_RETENTION_DAYS", 180, minimum=1, maximum=RETENTION_MAX_DAYS
)
MAILLAGE_EMAIL_RETENTION_DAYS = env_int(
    "MAILLAGE_EMAIL_RETENTION_DAYS", 90, minimum=1, maximum=RETENTION_MAX_DAYS
)
MAILLAGE_ACTION_LOG_RETENTION_DAYS = env_int(
    "MAILLAGE_ACTION_LOG_RETENTION_DAYS", 365, minimum=30, maximum=RETENTION_MAX_DAYS
)
# Who publishes the platform and answers for it, shown on the footer's pages (web/legal):
# «Mentions légales», «Données personnelles», «Contact». An empty publisher is «Département
# des Hauts-de-Seine» (of MAILLAGE_DEPARTEMENT); an empty host is the publisher itself; an
# empty data protection officer's address is the contact address.
MAILLAGE_PUBLISHER_NAME = env_line("MAILLAGE_PUBLISHER_NAME", "")
MAILLAGE_PUBLISHER_ADDRESS = env_line("MAILLAGE_PUBLISHER_ADDRESS", "")
MAILLAGE_PUBLISHER_PHONE = env_line("MAILLAGE_PUBLISHER_PHONE", "")
MAILLAGE_PUBLICATION_DIRECTOR = env_line(
    "MAILLAGE_PUBLICATION_DIRECTOR", "Le président ou la présidente du Conseil départemental"
)
MAILLAGE_HOST_NAME = env_line("MAILLAGE_HOST_NAME", "")
MAILLAGE_HOST_ADDRESS = env_line("MAILLAGE_HOST_ADDRESS", "")
MAILLAGE_CONTACT_EMAIL = env_email("MAILLAGE_CONTACT_EMAIL", "contact@maillage.fr")
MAILLAGE_DPO_EMAIL = env_email("MAILLAGE_DPO_EMAIL", "")
# Funding opportunities (community.funding): members are reminded this many days before each
# deadline, once per opportunity and number of days.
MAILLAGE_FUNDING_REMINDER_DAYS = env_int_list("MAILLAGE_FUNDING_REMINDER_DAYS", [14, 3], minimum=1)
# The largest request with files read (bytes): the largest file a form takes (a shared
# document, 20 Mo) and the rest of its form. Beyond, 413 before anything is stored.
MAILLAGE_MAX_UPLOAD_BYTES = env_int(
    "MAILLAGE_MAX_UPLOAD_BYTES", 21 * 1024 * 1024, minimum=6 * 1024 * 1024
)
FILE_UPLOAD_HANDLERS = [
    "maillage.core.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The TOTP second factor's issuer, shown in authenticator apps.
OTP_TOTP_ISSUER = "Maillage"

# Spaces' external calendars (iCalendar import, booking.external_calendars): the largest file
# read (bytes), the longest fetch (seconds, all included), the most busy times one import may
# store (merged intervals, a file with more is refused), how far ahead busy times are read for
# a space without a booking horizon (days), and whether addresses on private networks or this
# machine may be fetched (off in production: the server would reach what the Internet cannot).
MAILLAGE_ICAL_MAX_BYTES = env_int("MAILLAGE_ICAL_MAX_BYTES", 2_000_000, minimum=1000)
MAILLAGE_ICAL_TIMEOUT_SECONDS = env_int("MAILLAGE_ICAL_TIMEOUT_SECONDS", 10, minimum=1)
MAILLAGE_ICAL_MAX_BUSY = env_int("MAILLAGE_ICAL_MAX_BUSY", 5_000, minimum=10)
MAILLAGE_ICAL_HORIZON_DAYS = env_int("MAILLAGE_ICAL_HORIZON_DAYS", 366, minimum=1)
MAILLAGE_ICAL_ALLOW_PRIVATE = env_bool("MAILLAGE_ICAL_ALLOW_PRIVATE", False)
# Partners' webhooks (api.webhooks): with this, an endpoint may be http://localhost,
# http://127.0.0.1 or http://[::1] and resolve to a private or loopback address (a partner
# developer's machine, the tests); without it, https to public addresses only, checked when
# the address is saved and again at each send.
MAILLAGE_WEBHOOK_ALLOW_PRIVATE = env_bool("MAILLAGE_WEBHOOK_ALLOW_PRIVATE", DEBUG)

# Long work (emails, reminders, model runs) runs in `maillage db_worker`, queued in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    # Requests counted and timed for Prometheus (maillage.monitoring.metrics): around all.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Each request's id (X-Request-ID: the proxy's if it sent a valid one, else a new UUID),
    # in every log line written while it runs and in the response's header.
    "django_guid.middleware.guid_middleware",
    # Before the rest: it sees every answer they give.
    "maillage.api.middleware.ProblemDetailsMiddleware",
    # CORS for partners' web origins (api.cors), before anything that may answer.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): a second factor (TOTP) checked this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "maillage.core.middleware.AdminInlineStylesMiddleware",
    "maillage.core.middleware.AdminQueryMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "maillage.core.middleware.PermissionsPolicyMiddleware",
    "maillage.core.middleware.MethodNotAllowedPageMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "UUID_LENGTH": 32,
}
# Prometheus scrapes /metrics with `Authorization: Bearer <this>`; unset, /metrics is a 404.
MAILLAGE_METRICS_TOKEN = env_line("MAILLAGE_METRICS_TOKEN", "")

ROOT_URLCONF = "maillage.config.urls"
WSGI_APPLICATION = "maillage.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.web.context_processors.platform",
                # The community's menu, and its referent on every page of the managers' space.
                "maillage.community.context_processors.community",
            ],
        },
    },
]

# Database: an SQLite file by default, PostgreSQL (production) with DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'maillage.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE makes write transactions serialise.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A write waits at most this long for a row lock, as SQLite's timeout above; then it is a
    # 503 with Retry-After (core.views.server_error), not a request hanging on. Options given
    # in DATABASE_URL (`?options=-c search_path=…`) are kept, and win when they set it too.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(["-c lock_timeout=20s", options.get("options", "")]).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state lives in the database so that app servers stay stateless; with REDIS_URL
# (redis://host:port/db), in Redis instead (the cache, and the API's rate counters).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "maillage_cache",
        }
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Where a login without (or with an unsafe) «next» lands. Only the back-office login uses it
# (the public one goes home): its index, not Django's default /accounts/profile/ (a 404).
LOGIN_REDIRECT_URL = "admin:index"

# Login limits (django-axes, maillage.accounts.lockout): an address tried from one IP, and one
# IP whatever the addresses tried (password spraying), are locked after repeated failures.
AXES_HANDLER = "maillage.accounts.lockout.LoginLimitsHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
MAILLAGE_LOGIN_IP_FAILURE_LIMIT = env_int("MAILLAGE_LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# The client's address: behind MAILLAGE_TRUSTED_PROXIES reverse proxies, from X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "maillage.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
# The admin login form names the email field «username».
AXES_USERNAME_FORM_FIELD = "username"
# Failures count per address whatever its capitals, on the admin and the public login alike.
AXES_USERNAME_CALLABLE = "maillage.accounts.roles.lockout_username"
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"

LANGUAGE_CODE = "fr"
# Django's own wording wherever a library's catalog would replace it (locale/fr/…/django.po).
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Leaflet and its marker clustering, from their XStatic packages (no CDN).
STATICFILES_DIRS = [
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Proofs of eligibility statuses wait here for a decision: never under MEDIA_ROOT (which
    # may be served), read only through the staff page that logs each view.
    "eligibility_proofs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": DATA_DIR / "private" / "proofs",
            "base_url": "/non-servi/",
            # Readable by the platform's own user only.
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    # The community's shared documents, for its members only: never under MEDIA_ROOT,
    # served by the documents' page to those allowed (community.documents).
    "community_documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": DATA_DIR / "private" / "documents",
            "base_url": "/non-servi/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "maillage.core.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded photos are served by the reverse proxy in production; by Django for a local run.
MAILLAGE_SERVE_MEDIA = env_bool("MAILLAGE_SERVE_MEDIA", DEBUG)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.fr>")
# The SMTP server of EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (production).
EMAIL_HOST = env_line("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_line("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

# Security headers. HTTPS is assumed in production; MAILLAGE_HTTPS=false for a local demo.
HTTPS = env_bool("MAILLAGE_HTTPS", not DEBUG)
if HTTPS:
    MAILLAGE_SITE_URL = production_site_url(os.environ.get("MAILLAGE_SITE_URL"))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("MAILLAGE_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front append to X-Forwarded-For (used for the login limits);
# without a proxy the header is the client's to write, and is ignored.
MAILLAGE_TRUSTED_PROXIES = env_int("MAILLAGE_TRUSTED_PROXIES", 1, minimum=1) if BEHIND_PROXY else 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

_tiles_origin = origin_of(MAILLAGE_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_tiles_origin] if _tiles_origin else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logs go to standard error: one JSON object per line in production (LOG_FORMAT=json, the
# default unless DEBUG: time, level, logger, message, traceback), plain text otherwise; the
# same for gunicorn's (config.gunicorn). The platform's modules log by id only (a booking, a
# user, a space): never a name or an address.
LOG_FORMAT = log_format()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secret tokens in addresses (calendar feeds, verification links) never reach a log line.
    "filters": {
        "secret_paths": {"()": "maillage.config.logs.RedactSecretPaths"},
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
    },
    "formatters": {
        "json": {"()": "maillage.config.logs.JsonLines"},
        "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "secret_paths"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own handlers (DEFAULT_LOGGING's console, runserver's) are replaced by the root's,
    # which redacts; mail_admins is not used (no ADMINS).
    "loggers": {
        "axes": {"level": "WARNING"},
        # One INFO line per request («Generated new GUID»), and a WARNING quoting any invalid
        # X-Request-ID a client sends (up to the header's size, unauthenticated): neither is
        # worth a line, the id is in every line already.
        "django_guid": {"level": "ERROR"},
        # fpdf2 subsets the PDF fonts through fontTools, which logs each step at INFO.
        "fontTools": {"level": "WARNING"},
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # A request naming a host not in ALLOWED_HOSTS is answered 400; anyone can send many,
        # so they are not logged with a traceback each (Django's documented practice).
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}

# The API (maillage.api): Django REST framework, its OpenAPI document by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "maillage.api.authentication.PersonalTokenAuthentication",
        "maillage.api.authentication.ConsentTokenAuthentication",
        "maillage.api.authentication.PartnerKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["maillage.api.permissions.ReadScope"],
    "DEFAULT_THROTTLE_CLASSES": ["maillage.api.throttling.RateLimit"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["maillage.api.parsers.JsonParser"],
    "DEFAULT_PAGINATION_CLASS": "maillage.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "maillage.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
    # OPTIONS is CORS preflight's (corsheaders answers it), not a description of the view.
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Maillage",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "maillage.api.schema.complete_document",
    ],
}
# Rate limits of the API (requests a minute): per partner key or personal token, and per IP
# address for anonymous reads; answered 429 with Retry-After. Counted in Redis with REDIS_URL,
# else in the database (api.throttling).
MAILLAGE_API_KEY_RATE = env_int("MAILLAGE_API_KEY_RATE", 600, minimum=1)
MAILLAGE_API_ANONYMOUS_RATE = env_int("MAILLAGE_API_ANONYMOUS_RATE", 60, minimum=1)
# Private-use URI schemes (RFC 8252 §7.1: reverse domain names, e.g. fr.exemple.appli) that
# partners' phone apps may use as OAuth redirect URIs, besides https.
MAILLAGE_OAUTH_APP_SCHEMES = env_list("MAILLAGE_OAUTH_APP_SCHEMES", [])
# A person's consent to a partner app (OAuth 2 authorisation code with PKCE, RFC 6749 and
# RFC 7636), through django-oauth-toolkit; the scopes a partner key may be given.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Voir les lieux, vos réservations et vos prix",
        "book": "Réserver et annuler en votre nom",
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "SCOPES_BACKEND_CLASS": "maillage.api.consent.PartnerScopes",
    # OAuth 2.0 Security BCP (RFC 9700): authorisation code with S256 PKCE only, tokens in the
    # Authorization header only and hashed at rest, refresh tokens rotated with replay
    # detection, `iss` in the authorisation response, https redirects (plus the private-use
    # schemes of partners' phone apps, RFC 8252 §7.1, in MAILLAGE_OAUTH_APP_SCHEMES).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # …and `check --deploy` fails, not warns, if any of those is undone.
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", *MAILLAGE_OAUTH_APP_SCHEMES],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# CORS (django-cors-headers) under /api/ and for the OAuth token endpoints only, for the
# origins partner keys list (api.cors).
CORS_URLS_REGEX = r"^/(api/|oauth/token/|oauth/revoke_token/)"
CORS_ALLOW_HEADERS = [
    "authorization",
    "content-type",
    "idempotency-key",
    "if-none-match",
    "x-api-key",
]
CORS_EXPOSE_HEADERS = ["etag", "retry-after", "location"]
