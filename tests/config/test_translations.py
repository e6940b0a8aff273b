"""One French wording for Django's own messages: no installed library's catalog replaces it
(Django REST framework words some of them otherwise); the project's catalog restores it."""

import gettext
from pathlib import Path

import django
from django.apps import apps
from django.utils import translation


def catalog(folder: Path) -> dict[str, str]:
    mo = folder / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        return {}
    with mo.open("rb") as file:
        return {k: v for k, v in gettext.GNUTranslations(file)._catalog.items() if k}


def test_django_messages_keep_djangos_wording():
    own = catalog(Path(django.__file__).parent / "conf")
    libraries = [
        config
        for config in apps.get_app_configs()
        if not config.name.startswith(("django.", "maillage."))
    ]
    collisions = {
        msgid
        for config in libraries
        for msgid, text in catalog(Path(config.path)).items()
        if msgid in own and own[msgid] != text
    }
    assert collisions  # the check reads the catalogs (DRF's collide today)
    with translation.override("fr"):
        for msgid in collisions:
            assert translation.gettext(msgid) == own[msgid], msgid
