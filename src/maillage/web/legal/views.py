"""The footer's pages: public, read only, the same for everyone (web/legal/facts.py)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from maillage.web.legal import facts
from maillage.web.opendata import schema_files


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(request, f"web/legal/{template}", {"publisher": facts.publisher(), **context})


@require_safe
def legal_notice(request: HttpRequest) -> HttpResponse:
    """«Mentions légales»: publisher, director of publication, host, licences."""
    return _page(request, "legal_notice.html", licence=schema_files.LICENCE)


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """«Données personnelles»: what is processed, why, on which legal basis, how long, the
    rights and whom to ask."""
    return _page(
        request,
        "privacy.html",
        retention=facts.retention_periods(),
        tiles_host=facts.tiles_host(),
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """«Déclaration d'accessibilité» in the RGAA 4.1 structure."""
    return _page(
        request,
        "accessibility.html",
        site_url=settings.MAILLAGE_SITE_URL,
        declared_on=facts.ACCESSIBILITY_DECLARED_ON,
    )


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """«Contact»: the Département's addresses (a mailto link; nothing is stored)."""
    return _page(request, "contact.html")


@require_safe
def site_map(request: HttpRequest) -> HttpResponse:
    """«Plan du site»: the public pages, from facts.SITE_MAP."""
    return _page(request, "site_map.html", sections=facts.site_map())
