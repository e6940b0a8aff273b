"""The «Données ouvertes» page and the files it describes (opendata.files builds them).

Every file is public, under Licence Ouverte 2.0, and answers with its media type (CSV in
UTF-8 with its header, GeoJSON, JSON), a strong ETag (If-None-Match answers 304),
Cache-Control and `Access-Control-Allow-Origin: *`: any site's script may read it."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from maillage.accounts.emails import site_link
from maillage.places.catalogue import SERVICES as CATALOGUE
from maillage.places.models import Service, today_in_paris
from maillage.places.selectors import directory_places
from maillage.web.opendata import extension, files, national, schema_files

# Browsers and proxies keep a file this long (seconds) before asking again (with its ETag).
FILE_MAX_AGE = files.CACHE_SECONDS
SCHEMA_MAX_AGE = 24 * 3600


def _answer(
    request: HttpRequest,
    built: files.Built,
    media_type: str,
    disposition: str,
    max_age: int,
) -> HttpResponseBase:
    """`built` with its headers, or 304 Not Modified when the request names its ETag."""
    response = HttpResponse(built.content, content_type=media_type)
    response["Content-Disposition"] = disposition
    response["ETag"] = built.etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    answer = get_conditional_response(request, etag=built.etag, response=response) or response
    # Open data: readable from any origin, the 304 included (Fetch's CORS check reads it).
    answer["Access-Control-Allow-Origin"] = "*"
    answer["Access-Control-Expose-Headers"] = "ETag"
    return answer


@require_safe
def download(request: HttpRequest, name: str) -> HttpResponseBase:
    """One of files.DOWNLOADS, by file name, as an attachment named after the day and the
    département: «20261201-lieux-92.csv»."""
    found = next(d for d in files.DOWNLOADS if d.name == name)
    today = today_in_paris()
    stem, extension = found.name.rsplit(".", 1)
    filename = f"{today:%Y%m%d}-{stem}-{settings.MAILLAGE_DEPARTEMENT}.{extension}"
    return _answer(
        request,
        files.published(found, today),
        found.media_type,
        f'attachment; filename="{filename}"',
        FILE_MAX_AGE,
    )


@require_safe
def datapackage(request: HttpRequest) -> HttpResponseBase:
    """The Data Package descriptor of the files (files.datapackage)."""
    return _answer(
        request,
        files.Built.of(files.datapackage()),
        "application/json",
        'inline; filename="datapackage.json"',
        FILE_MAX_AGE,
    )


@require_safe
def schema(request: HttpRequest, name: str) -> HttpResponseBase:
    """A Table Schema of the files (schema_files.PUBLISHED), as stored; 404 for another name."""
    if name not in schema_files.PUBLISHED:
        raise Http404("Ce schéma n'existe pas.")
    return _answer(
        request,
        files.Built.of(schema_files.schema_text(name).encode()),
        "application/json",
        f'inline; filename="{name}"',
        SCHEMA_MAX_AGE,
    )


def _schema_url(name: str) -> str:
    return reverse("web:opendata_schema", kwargs={"name": name})


@require_safe
def opendata(request: HttpRequest) -> HttpResponse:
    """«Données ouvertes»: each file, its address, its schema's fields, the licence, what is
    published and what is not, and the table from the platform's words to the national
    vocabularies."""
    today = today_in_paris()
    names = dict(Service.objects.values_list("slug", "name"))
    return render(
        request,
        "web/opendata.html",
        {
            "downloads": [
                (download, reverse(download.url_name), _schema_url(download.schema))
                for download in files.DOWNLOADS
            ],
            "schemas": [
                (_schema_url(name), schema_files.schema(name)) for name in schema_files.PUBLISHED
            ],
            "licence": schema_files.LICENCE,
            "published": files.published_places(today).count(),
            "fictional": directory_places().open(today).filter(is_fictional=True).count(),
            "mapping": national.mapping_table({**CATALOGUE, **names}),
            "unknown_pivot": national.UNKNOWN_PIVOT,
            "place_id": national.place_id(settings.MAILLAGE_DEPARTEMENT, 12),
            "space_id": extension.space_id(settings.MAILLAGE_DEPARTEMENT, 34),
            "datapackage_url": site_link(reverse("web:opendata_datapackage")),
            "refresh_minutes": files.CACHE_SECONDS // 60,
            "source": files.source(),
        },
    )
