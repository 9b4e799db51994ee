"""Uploaded files: judged by what they contain, stored under generated names, and served so that
nothing in them can run in the portal's origin. Knows no app: the apps' models use these fields.

- Images (logos, photos, covers) are opened and re-encoded by Pillow: whatever a file claims to
  be, what is stored is a fresh JPEG, PNG or WebP without EXIF, GPS, XMP or comments. A file
  larger than its limit in bytes or in pixels is refused before it is decoded.
- PDFs are recognised by their signature and a size limit, never by their name.
- SVG and HTML (and anything else with markup) are refused with a message that says why.
- Stored names are random (``<folder>/<hex>.<ext>``): no name a visitor chose reaches the disk.
- Public images are served by ``serve_public`` with ``nosniff``, a content type fixed by the
  portal and a sandbox policy; every other download goes through ``attachment``.
"""

from __future__ import annotations

import uuid
import warnings
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms import FileField as FormFileField
from django.forms import ImageField as FormImageField
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
MAX_IMAGE_BYTES = 2 * MB
# 25 megapixels: a photo of a modern phone fits, a "pixel bomb" (a small file that decodes to
# gigabytes) does not. Checked on the header, before a single pixel is decoded.
MAX_IMAGE_PIXELS = 25_000_000
MAX_PDF_BYTES = 20 * MB
PDF_SIGNATURE = b"%PDF-"

# Pillow format -> the extension and content type the portal stores and serves it as.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
SERVED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
# Served uploads may never run anything, even if a file were not what it seems.
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


# --- Sizes ------------------------------------------------------------------------------------


@deconstructible
class FileSizeValidator:
    """Refuse uploads larger than ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def __call__(self, file) -> None:
        if file and file.size is not None and file.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": _megabytes(self.max_bytes)},
                code="file_too_large",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, FileSizeValidator) and other.max_bytes == self.max_bytes


def _megabytes(size: int) -> str:
    value = size / MB
    return f"{value:g}" if value < 10 else str(round(value))


# --- Names ------------------------------------------------------------------------------------


KNOWN_EXTENSIONS = ("jpg", "png", "webp", "pdf")


def generated_name(folder: str, filename: str = "", *, extension: str | None = None) -> str:
    """``<folder>/<random hex>.<ext>``. Nothing of the uploaded name survives but a known
    extension (or the one given, for files whose kind the portal checked itself)."""
    if extension is None:
        suffix = PurePosixPath(filename or "").suffix.lower().lstrip(".")
        suffix = "jpg" if suffix == "jpeg" else suffix
        extension = suffix if suffix in KNOWN_EXTENSIONS else ""
    dot = f".{extension}" if extension else ""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{dot}"


@deconstructible
class GeneratedName:
    """An ``upload_to`` that stores every file of a field under a random name in ``folder``."""

    def __init__(self, folder: str, extension: str | None = None):
        self.folder = folder
        self.extension = extension

    def __call__(self, instance, filename: str) -> str:
        return generated_name(self.folder, filename, extension=self.extension)

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and (other.folder, other.extension) == (
            self.folder,
            self.extension,
        )


# --- Content checks ---------------------------------------------------------------------------


def _head(file, size: int = 1024) -> bytes:
    try:
        position = file.tell()
        file.seek(0)
        head = file.read(size)
        file.seek(position)
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("The file could not be read. Upload it again."), code="unreadable"
        ) from error
    return head if isinstance(head, bytes) else head.encode()


def refuse_markup(file) -> None:
    """SVG and HTML can carry script: refused whatever the file is called. (Pillow would refuse
    them too, but the visitor deserves to hear why.) Only the start counts: a photo's own XMP
    metadata is XML, and re-encoding drops it anyway."""
    head = _head(file, 64).lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if head.startswith(b"<"):
        raise ValidationError(
            _(
                "SVG, HTML and other markup files are not accepted, whatever their name. "
                "Upload a JPG, PNG or WebP image."
            ),
            code="markup",
        )


def validate_pdf(file) -> None:
    """Refuse anything that does not start like a PDF, whatever its name says."""
    if not file:
        return
    if _head(file, len(PDF_SIGNATURE)) != PDF_SIGNATURE:
        raise ValidationError(
            _("This file is not a PDF. Upload the report as a PDF file."), code="not_a_pdf"
        )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not an image that can be read. Upload a JPG, PNG or WebP image."),
        code="invalid_image",
    )


def _too_many_pixels(max_pixels: int) -> ValidationError:
    side = int(max_pixels**0.5)
    return ValidationError(
        _("The image has too many pixels: at most %(megapixels)s megapixels (%(side)s × %(side)s).")
        % {"megapixels": max_pixels // 1_000_000 or 1, "side": side},
        code="too_many_pixels",
    )


def reencode_image(
    file, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> SimpleUploadedFile:
    """Check an uploaded image by its content and return a clean copy under a generated name.

    The copy is decoded and encoded again by Pillow: turned upright as its EXIF said, and then
    without EXIF (GPS position, camera, time), XMP, comments or anything appended to the file.
    Raises ValidationError (Dutch through gettext) for anything else.
    """
    FileSizeValidator(max_bytes)(file)
    refuse_markup(file)
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(file)
            # Phones often write their JPEGs as MPO (a JPEG with extra pictures): the first
            # picture is kept, as a plain JPEG.
            image_format = "JPEG" if image.format == "MPO" else image.format
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(max_pixels)
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("Upload a JPG, PNG or WebP image; this is %(format)s.")
                    % {"format": image_format or "?"},
                    code="image_format",
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(max_pixels) from error
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        MemoryError,
    ) as error:
        raise _not_an_image() from error
    extension, content_type = IMAGE_FORMATS[image_format]
    data = _encode(image, image_format)
    return SimpleUploadedFile(f"{uuid.uuid4().hex}.{extension}", data, content_type=content_type)


def _encode(image: Image.Image, image_format: str) -> bytes:
    icc_profile = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image_format == "JPEG":
        target = "L" if image.mode in ("L", "1") else "RGB"
    elif image_format == "PNG":
        keeps_mode = image.mode in ("RGB", "RGBA", "L", "LA")
        target = image.mode if keeps_mode else ("RGBA" if has_alpha else "RGB")
    else:  # WebP
        target = "RGBA" if has_alpha else "RGB"
    clean = image.convert(target) if image.mode != target else image.copy()
    # Nothing of the original's metadata travels along, except the colour profile.
    clean.info = {}
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=88, optimize=True)
    elif image_format == "PNG":
        options.update(optimize=True)
    else:
        options.update(quality=85)
    buffer = BytesIO()
    clean.save(buffer, image_format, **options)
    return buffer.getvalue()


# --- Fields -----------------------------------------------------------------------------------


class CheckedImageFormField(FormImageField):
    """A form field that accepts a JPG, PNG or WebP image and hands on its clean copy."""

    default_error_messages = {
        "invalid_image": _(
            "This file is not an image that can be read. Upload a JPG, PNG or WebP image."
        ),
    }

    def __init__(
        self, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS, **kwargs
    ):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        super().__init__(**kwargs)
        self.max_length = None  # the uploaded name is thrown away, so its length does not matter

    def to_python(self, data):
        upload = FormFileField.to_python(self, data)  # the empty and size checks of a file field
        if upload is None:
            return None
        return reencode_image(upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = IMAGE_ACCEPT
        return attrs


class CheckedImageField(models.ImageField):
    """An image column whose forms (the portal's and the admin's) re-encode every upload."""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or CheckedImageFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )


# --- Serving ----------------------------------------------------------------------------------


def _harden(response, *, filename: str, inline: bool):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_ascii(filename)}"'
    return response


def _ascii(filename: str) -> str:
    safe = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._-"))
    return safe or "download"


def attachment(handle, *, filename: str, content_type: str) -> FileResponse:
    """A download that the browser saves, never shows in the portal's origin."""
    response = FileResponse(handle, content_type=content_type)
    return _harden(response, filename=filename, inline=False)


def pdf_attachment(file: FieldFile, *, filename: str) -> FileResponse:
    """A stored PDF (a ``FieldFile``) as a download; a 404 when there is none or it cannot be
    read (gone from the disk)."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except OSError as error:
        raise Http404 from error
    return attachment(handle, filename=filename, content_type="application/pdf")


def harden_download(response, *, filename: str):
    """Mark any response as a download (CSV, XLSX): attachment, nosniff, sandboxed."""
    return _harden(response, filename=filename, inline=False)


def public_media_path(path: str) -> str | None:
    """The storage path if ``path`` names a public image; None for anything else."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts):
        return None
    if "\x00" in path or "\\" in path:
        return None
    name = str(pure)
    if not any(name.startswith(f"{folder}/") for folder in settings.PUBLIC_MEDIA_FOLDERS):
        return None
    if pure.suffix.lower() not in SERVED_TYPES:
        return None
    return name


def serve_public(request, path: str):
    """Logos, photos and covers: only from the public folders, only images, never sniffed.

    Reports and case PDFs live in other folders and are served only by their own views, which
    check who may have them."""
    name = public_media_path(path)
    if name is None or not default_storage.exists(name):
        raise Http404
    content_type = SERVED_TYPES[PurePosixPath(name).suffix.lower()]
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return _harden(response, filename=PurePosixPath(name).name, inline=True)
