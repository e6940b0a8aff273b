"""gunicorn's app for `maillage bench api`'s baseline: the platform exactly as
maillage.config.wsgi serves it, but with the API's rate limits off (no view counts requests),
to show what the counters cost. Never served outside the bench."""

import os

from django.core.wsgi import get_wsgi_application

from maillage.core.runtime import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.config.settings")
application = get_wsgi_application()
# Every API view inherits DRF's throttle list (read from settings when DRF loaded); DRF's
# views need the apps loaded, hence this import here.
from rest_framework.views import APIView  # noqa: E402

APIView.throttle_classes = []
freeze_startup_objects()
