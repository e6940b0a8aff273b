"""Settings for the test suite: the production settings with a throwaway key and no tiles."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("MAILLAGE_HTTPS", "false")
os.environ.setdefault("MAILLAGE_TILES_URL", "")

import hashlib  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from maillage.config.settings import *  # noqa: E402, F403
from maillage.config.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the race tests need real concurrent connections. One name per
    # checkout (pytest-django adds _gw0… per xdist worker), so that `--reuse-db` reuses it and
    # two checkouts never share one.
    checkout = hashlib.sha256(str(Path(__file__).resolve().parents[3]).encode()).hexdigest()[:12]
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"maillage-test-{checkout}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "eligibility_proofs": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "community_documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
