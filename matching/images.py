"""Uploaded image checks and decoding: the only place raw image bytes become pixels.

`validate_image_bytes` runs in the request before anything is queued (header, limits, structure; a PNG is not
inflated there); `decode_image` runs in the worker (and in `evaluate`) and repeats the same checks, since bytes
at rest are not trusted either.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

from core.errors import DomainError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP")
# Many phone and camera JPEGs carry extra frames (depth map, preview) and open as "MPO": a JPEG all the same.
FORMAT_ALIASES = {"MPO": "JPEG"}


class InvalidImage(DomainError):
    code = "invalid_image"
    default_message = "The image is corrupt, truncated or too large to decode."


class ImageTooLarge(DomainError):
    code = "image_too_large"
    kind = "too_large"
    default_message = "The image file is too large."


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    kind = "unsupported_media"
    default_message = "Only JPEG, PNG, WebP and BMP images are accepted."


def _open(data: bytes, *, decode: bool = True) -> Image.Image:
    """Open and decode `data`, refusing anything outside the limits before pixels are allocated.

    decode=False (the web process's check) inflates no PNG: the chunk checksums and the end marker are checked
    instead, and the pixels are left to the worker (a 40 Mpx PNG costs about a second and 130 MB to inflate).
    """
    if not data:
        raise InvalidImage("The image is empty.")
    if len(data) > settings.MAX_IMAGE_BYTES:
        raise ImageTooLarge(max_bytes=settings.MAX_IMAGE_BYTES, size=len(data))
    # Pillow warns (or raises past 2x) on bombs only above its global limit; every warning here is an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError as exc:
            raise UnsupportedMediaType("The file is not a JPEG, PNG, WebP or BMP image.") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidImage("The image declares too many pixels.", max_pixels=settings.MAX_IMAGE_PIXELS) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise InvalidImage() from exc
        if FORMAT_ALIASES.get(image.format, image.format) not in ALLOWED_FORMATS:
            raise UnsupportedMediaType(format=image.format)
        width, height = image.size
        # The header alone gives the size: refuse before decoding a bomb.
        if width <= 0 or height <= 0 or width * height > settings.MAX_IMAGE_PIXELS:
            raise InvalidImage(
                "The image declares too many pixels.", max_pixels=settings.MAX_IMAGE_PIXELS, width=width, height=height
            )
        if not decode and image.format == "PNG":
            try:
                image.verify()
            except (OSError, ValueError, SyntaxError, EOFError) as exc:
                raise InvalidImage("The image is corrupt or truncated.") from exc
            return image
        if isinstance(image, JpegImageFile):
            # DCT-domain downscaling: decodes every byte (so truncation is still caught) at a fraction of the cost.
            image.draft("RGB", (settings.DETECT_MAX_SIDE, settings.DETECT_MAX_SIDE))
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidImage("The image declares too many pixels.", max_pixels=settings.MAX_IMAGE_PIXELS) from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise InvalidImage("The image is corrupt or truncated.") from exc
    return image


def validate_image_bytes(data: bytes) -> str:
    """Cheap check before queueing; returns the format ("JPEG", "PNG", "WEBP" or "BMP")."""
    fmt = _open(data, decode=False).format
    return FORMAT_ALIASES.get(fmt, fmt)


def decode_pixels(data: bytes) -> int:
    """The image checked as validate_image_bytes does, and the pixels decode_image will inflate: what its decoding
    costs. A JPEG is decoded DCT-downscaled (its draft size), every other format at full size."""
    image = _open(data, decode=False)
    if isinstance(image, JpegImageFile):
        image.draft("RGB", (settings.DETECT_MAX_SIDE, settings.DETECT_MAX_SIDE))  # header only: nothing decoded
    width, height = image.size
    return width * height


def decode_image(data: bytes) -> np.ndarray:
    """RGB uint8 pixels, upright per the EXIF orientation, long side at most settings.DETECT_MAX_SIDE."""
    image = _open(data)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as exc:  # a malformed EXIF block
        raise InvalidImage("The image's EXIF data is corrupt.") from exc
    if image.mode != "RGB":
        image = image.convert("RGB")
    max_side = settings.DETECT_MAX_SIDE
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def upload_bytes(upload) -> bytes:
    """An uploaded file's bytes; an oversized file is refused before it is read into memory."""
    if upload.size > settings.MAX_IMAGE_BYTES:
        raise ImageTooLarge(max_bytes=settings.MAX_IMAGE_BYTES, size=upload.size)
    return upload.read()
