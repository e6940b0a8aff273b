"""Photos: JPEG, PNG or WebP by content, 40 megapixels at most, stored small and without
metadata; a photo deleted or replaced takes its file with it once that commits."""

import html
import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import ExifTags, Image

from maillage.places import photos, services
from maillage.places.models import PlacePhoto
from tests.places.test_admin import change_url, inline_management, staff_place_form


def image_bytes(format: str, size=(40, 30), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "#1d3557").save(buffer, format=format, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (what a bomb looks like)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps(size=(3000, 2000), orientation=6) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Appareil"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 50.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 15.0, 0.0),
    }
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


def refusal(content: bytes) -> str:
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.open_photo(io.BytesIO(content))
    return str(refused.value)


def test_a_100_megapixel_png_is_refused_from_its_header():
    bomb = png_declaring(10_000, 10_000)
    assert len(bomb) < 12_000
    assert refusal(bomb) == (
        "La photo est trop grande (10000 × 10000 pixels) : 40 mégapixels au plus."
    )


def test_an_image_pillow_calls_a_bomb_is_refused_as_too_large():
    assert "trop grande" in refusal(png_declaring(20_000, 20_000))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (image_bytes("GIF"), "La photo est au format GIF : seuls les formats"),
        (image_bytes("EPS"), "La photo est au format EPS : seuls les formats"),
        (image_bytes("BMP"), "La photo est au format BMP : seuls les formats"),
        (b"%!PS-Adobe-3.0\nshowpage\n", "Le fichier de la photo n'est pas une image"),
        (b"pas une image", "Le fichier de la photo n'est pas une image"),
        (image_bytes("PNG")[:60], "Le fichier de la photo est endommagé ou incomplet"),
    ],
    ids=["gif", "eps", "bmp", "postscript", "text", "truncated"],
)
def test_other_contents_are_refused(content, message):
    assert refusal(content).startswith(message)


@pytest.mark.parametrize(
    ("format", "mode", "extension"),
    [("JPEG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("PNG", "P", "png"), ("WEBP", "RGB", "webp")],
)
def test_accepted_formats_are_stored_in_their_own_format(format, mode, extension):
    with photos.open_photo(io.BytesIO(image_bytes(format, mode=mode))) as image:
        content, stored_extension = photos.stored_copy(image)
    assert stored_extension == extension
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == format and stored.size == (40, 30)


def test_a_multi_picture_jpeg_is_stored_as_a_jpeg_of_its_first_picture():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    with photos.open_photo(io.BytesIO(buffer.getvalue())) as image:
        content, extension = photos.stored_copy(image)
    assert extension == "jpg"
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and stored.size == (40, 30)
        assert stored.getpixel((20, 15))[0] > 200  # the first picture, red


def test_the_stored_copy_is_upright_small_and_without_metadata():
    with photos.open_photo(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the source has a position
        content, extension = photos.stored_copy(image)
    with Image.open(io.BytesIO(content)) as stored:
        # Orientation 6: the camera was turned, the 3000 × 2000 picture is shown standing.
        assert stored.size == (1707, 2560)
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info and "xmp" not in stored.info
    assert b"Exif" not in content and b"Appareil" not in content


def stored_names(folder: str = "") -> list[str]:
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_names(f"{folder}{sub}/")
    return names


@pytest.fixture
def media(settings):
    """An empty storage for the uploads of the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def post_photo(client, place, upload):
    data = {
        **inline_management("photos", total=1),
        "photos-0-alt_text": "La grande salle",
        "photos-0-position": "0",
        "photos-0-image": upload,
    }
    return client.post(change_url(place), staff_place_form(place, **data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_declaring(10_000, 10_000), "La photo est trop grande (10000 × 10000 pixels)"),
        (image_bytes("GIF"), "La photo est au format GIF"),
        (image_bytes("EPS"), "La photo est au format EPS"),
    ],
    ids=["100-megapixels", "gif", "eps"],
)
def test_the_back_office_refuses_with_the_reason(
    client, staff_user, place, media, content, message
):
    client.force_login(staff_user)
    # The name and the declared type say JPEG: only the content counts.
    upload = SimpleUploadedFile("salle.jpg", content, content_type="image/jpeg")
    response = post_photo(client, place, upload)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not PlacePhoto.objects.exists()
    assert stored_names() == []


@pytest.mark.django_db
def test_the_back_office_stores_the_clean_copy(client, staff_user, place, media):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("salle.jpeg", jpeg_with_gps(), content_type="image/jpeg")
    assert post_photo(client, place, upload).status_code == 302
    photo = PlacePhoto.objects.get()
    assert photo.image.name.endswith("/salle.jpg")
    assert stored_names() == [photo.image.name]  # the original is never written
    with photo.image.open() as file, Image.open(file) as stored:
        assert stored.size == (1707, 2560)
        assert len(stored.getexif()) == 0


@pytest.mark.django_db
def test_photos_stored_before_the_check_are_cleaned_or_removed(place, media):
    from importlib import import_module

    from django.apps import apps
    from django.core.files.base import ContentFile

    migration = import_module("maillage.places.migrations.0009_photo_content_check")
    gif = default_storage.save("lieux/ancienne.gif", ContentFile(image_bytes("GIF")))
    jpeg = default_storage.save("lieux/ancienne.jpg", ContentFile(jpeg_with_gps()))
    # Rows as the old code wrote them: the file as uploaded.
    PlacePhoto.objects.bulk_create(
        [
            PlacePhoto(place=place, image=gif, alt_text="GIF"),
            PlacePhoto(place=place, image=jpeg, alt_text="Photo"),
        ]
    )
    migration.clean_existing_photos(apps, None)
    kept = PlacePhoto.objects.get()
    assert kept.alt_text == "Photo"
    assert stored_names() == [kept.image.name]
    with kept.image.open() as file, Image.open(file) as stored:
        assert stored.size == (1707, 2560) and len(stored.getexif()) == 0


def test_every_image_field_checks_its_content():
    """A new image field gets the same check (and a model that stores the clean copy)."""
    from django.apps import apps
    from django.db import models

    from maillage.places.validators import validate_photo

    image_fields = [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ImageField)
    ]
    assert image_fields == [(PlacePhoto, PlacePhoto._meta.get_field("image"))]
    assert all(validate_photo in field.validators for _, field in image_fields)


def test_a_gif_declaring_a_bomb_is_refused_cleanly():
    buffer = io.BytesIO()
    Image.new("P", (1, 1)).save(buffer, format="GIF")
    gif = bytearray(buffer.getvalue())
    gif[6:10] = struct.pack("<HH", 65535, 65535)  # logical screen: 4.3 gigapixels
    assert refusal(bytes(gif)).endswith(": seuls les formats JPEG, PNG et WebP sont acceptés.")


def a_photo(actor, place, name="salle.png"):
    upload = SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")
    return services.save_photo(actor, PlacePhoto(place=place, image=upload, alt_text="Salle"))


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_a_deleted_photos_file_goes_once_the_deletion_commits(
    staff_user, place, media, django_capture_on_commit_callbacks
):
    pk = a_photo(staff_user, place).pk
    with pytest.raises(Rollback), transaction.atomic():
        services.delete_photo(staff_user, PlacePhoto.objects.get(pk=pk))
        raise Rollback
    # Rolled back: the row still names its file, which stays.
    photo = PlacePhoto.objects.get(pk=pk)
    assert stored_names() == [photo.image.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(staff_user, photo)
    assert stored_names() == []


@pytest.mark.django_db
def test_a_replaced_photos_file_and_a_deleted_places_files_go_too(
    staff_user, place, media, django_capture_on_commit_callbacks
):
    photo = a_photo(staff_user, place)
    old = photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = SimpleUploadedFile("neuve.png", image_bytes("PNG"), "image/png")
        services.save_photo(staff_user, photo)
    assert stored_names() == [photo.image.name] != [old]
    a_photo(staff_user, place, "autre.png")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_place(staff_user, place)
    assert stored_names() == []
