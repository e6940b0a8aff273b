"""Typed readers for the environment variables the settings are made of."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from maillage.core.text import ascii_digits, has_control_characters

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    """The whole number in environment variable `name`, `default` when unset; raises
    ImproperlyConfigured naming the variable when it is not a whole number ≥ `minimum` (and
    ≤ `maximum` when given)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {value}")
    return value


def env_int_list(name: str, default: list[int], minimum: int = 0) -> list[int]:
    """The comma-separated whole numbers of environment variable `name` («14,3»), without
    repeats, largest first; `default` when unset. Raises ImproperlyConfigured naming the
    variable when one is not a whole number ≥ `minimum`, or when none is given."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    values: set[int] = set()
    for item in raw.split(","):
        text = item.strip()
        if not ascii_digits(text):
            raise ImproperlyConfigured(
                f"{name} must be whole numbers separated by commas, got {raw!r}"
            )
        value = int(text)
        if value < minimum:
            raise ImproperlyConfigured(f"{name} values must be at least {minimum}, got {value}")
        values.add(value)
    if not values:
        raise ImproperlyConfigured(f"{name} must name at least one number")
    return sorted(values, reverse=True)


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of `choices` from environment variable `name` (its case ignored), `default` when
    unset; raises ImproperlyConfigured naming the variable and the choices otherwise."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return word


def env_line(name: str, default: str) -> str:
    """One line of text from environment variable `name`, trimmed, `default` when unset;
    raises ImproperlyConfigured on a line break or another control character."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if has_control_characters(raw):
        raise ImproperlyConfigured(f"{name} must be one line without control characters")
    return raw.strip()


def env_email(name: str, default: str) -> str:
    """An email address from environment variable `name`, `default` when unset or empty;
    raises ImproperlyConfigured naming the variable when it is not an address."""
    raw = env_line(name, default) or default
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise ImproperlyConfigured(f"{name} must be an email address, got {raw!r}") from None
    return raw


LOG_FORMATS = ("json", "text")


def log_format() -> str:
    """LOG_FORMAT: how log lines are written, `json` (one object per line, the default in
    production) or `text` (the default with DEBUG)."""
    return env_choice("LOG_FORMAT", LOG_FORMATS, "text" if env_bool("DEBUG", False) else "json")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def origin_of(url: str) -> str | None:
    """The scheme://host part of a URL template such as a tile URL, for the CSP."""
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


INSECURE_SECRET_PREFIX = "django-insecure"  # noqa: S105 (a prefix to refuse)
MIN_SECRET_KEY_LENGTH = 40


def production_secret_key(raw: str | None) -> str:
    """Production refuses to start without a real secret key."""
    if not raw:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is false: set it to a long random string."
        )
    if raw.startswith(INSECURE_SECRET_PREFIX) or len(set(raw)) < 5:
        raise ImproperlyConfigured("SECRET_KEY looks like a placeholder: use a random value.")
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short: use at least {MIN_SECRET_KEY_LENGTH} characters."
        )
    return raw


def production_site_url(raw: str | None) -> str:
    """Served over HTTPS, the platform refuses to start without its public https:// address:
    every link in its emails (account verification, password reset, bookings) is built on
    it, never on the request's Host header, so a missing one would send them all to
    127.0.0.1."""
    if not raw or not raw.strip().lower().startswith("https://"):
        raise ImproperlyConfigured(
            "MAILLAGE_SITE_URL is required when HTTPS is on: the platform's public "
            "https:// address, used in the links of every email."
        )
    return raw.strip().rstrip("/")
