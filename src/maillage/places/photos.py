"""Photos of places: what is accepted, and the copy that is stored and shown.

A photo is judged by its content, never by its name or declared type: Pillow may only read it
as JPEG, PNG or WebP. Its size is checked from the header before any pixel is decoded (a 12 kB
PNG can declare 100 megapixels). The stored copy is re-encoded in the same format, turned the
way its EXIF orientation says, at most 2,560 px on its long side, with no metadata (EXIF, GPS,
comments): what the camera recorded never reaches the public pages.
"""

import io
import warnings
from typing import IO, Any, cast

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name → (name shown to people, file extension of the stored copy).
FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WebP", "webp")}
MAX_PIXELS = 40_000_000
MAX_SIDE_PX = 2560
ALLOWED_TEXT = "seuls les formats JPEG, PNG et WebP sont acceptés"


class PhotoRefused(ValueError):
    """The file is not a photo the platform accepts; the message says why, in French."""


class _Borrowed:
    """The caller's file, which Pillow may read but not close."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def close(self) -> None:
        pass


def _detected_format(stream: IO[bytes]) -> str | None:
    """The format Pillow recognises in the content, among all it knows (for the message)."""
    stream = cast(IO[bytes], _Borrowed(stream))  # reads and seeks go to the file
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                return image.format
    except Exception:  # noqa: BLE001 - any failure means: not a known image
        return None


def open_photo(stream: IO[bytes]) -> Image.Image:
    """Open an uploaded photo and decode it, after checking its format and size.

    ``stream`` is a binary file (read from its start, left open). Returns the decoded image
    (its ``format`` is "JPEG", "PNG" or "WEBP"). Raises PhotoRefused for another format, a
    file that is not an image or is damaged, or more than MAX_PIXELS pixels (checked on the
    header's dimensions, before decoding).
    """
    stream = cast(IO[bytes], _Borrowed(stream))  # reads and seeks go to the file
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            # Its threshold is above ours, checked below with the dimensions named.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=list(FORMATS))
    except Image.DecompressionBombError as error:
        raise _too_large() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        found = _detected_format(stream)
        if found:
            raise PhotoRefused(f"La photo est au format {found} : {ALLOWED_TEXT}.") from error
        raise PhotoRefused(
            f"Le fichier de la photo n'est pas une image : {ALLOWED_TEXT}."
        ) from error
    # A multi-picture JPEG (MPO, CIPA DC-007, written by some cameras and phones) is a JPEG
    # whose first picture is the photo: Pillow names it MPO; it is kept as a JPEG.
    if image.format == "MPO":
        image.format = "JPEG"
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _too_large(width, height)
    if image.format == "JPEG":
        # JPEG decodes at 1/2, 1/4 or 1/8 scale directly: no larger than the stored copy needs.
        image.draft(image.mode, (MAX_SIDE_PX, MAX_SIDE_PX))
    try:
        image.load()
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many kinds
        raise PhotoRefused(
            "Le fichier de la photo est endommagé ou incomplet : envoyez-le à nouveau."
        ) from error
    return image


def _too_large(width: int | None = None, height: int | None = None) -> PhotoRefused:
    size = f" ({width} × {height} pixels)" if width else ""
    return PhotoRefused(
        f"La photo est trop grande{size} : {MAX_PIXELS // 1_000_000} mégapixels au plus."
    )


def stored_copy(image: Image.Image) -> tuple[bytes, str]:
    """The copy of an opened photo that is stored: (its bytes, its file extension).

    Same format as the source, turned upright by its EXIF orientation, at most MAX_SIDE_PX
    pixels on the long side, without EXIF, GPS, XMP or text metadata.
    """
    source_format = image.format
    upright = ImageOps.exif_transpose(image)
    if source_format == "JPEG":
        mode = upright.mode if upright.mode in ("RGB", "L", "CMYK") else "RGB"
    elif upright.mode in ("RGB", "RGBA", "L", "LA"):
        mode = upright.mode
    else:
        transparent = "A" in upright.mode or "transparency" in upright.info
        mode = "RGBA" if transparent else "RGB"
    clean = upright.convert(mode)
    clean.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    # Only the pixels are written: the metadata Pillow keeps in ``info`` is dropped.
    clean.info = {}
    output = io.BytesIO()
    if source_format == "JPEG":
        clean.save(output, format="JPEG", quality=85, optimize=True)
    elif source_format == "WEBP":
        clean.save(output, format="WEBP", quality=85)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue(), FORMATS[str(source_format)][1]
