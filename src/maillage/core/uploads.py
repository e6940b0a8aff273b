"""The largest request body with files the platform reads: beyond it the upload is refused
before anything is stored (Django would otherwise stream any size to a temporary file, and
only then would a form find it too large)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """A multipart body, or one of its files, over MAILLAGE_MAX_UPLOAD_BYTES: answered 413
    with a French page naming the limit (core.views.bad_request)."""


class UploadSizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: raises UploadTooLarge when the body's declared length
    (bytes), or the bytes of one file received so far, exceed MAILLAGE_MAX_UPLOAD_BYTES;
    passes every chunk on to the next handlers otherwise."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 — Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > settings.MAILLAGE_MAX_UPLOAD_BYTES:
            raise UploadTooLarge("request body over MAILLAGE_MAX_UPLOAD_BYTES")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.MAILLAGE_MAX_UPLOAD_BYTES:
            raise UploadTooLarge("file over MAILLAGE_MAX_UPLOAD_BYTES")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
