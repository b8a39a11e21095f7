"""Image checks before queueing and decoding in the worker: real photos, real Pillow, no database."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from core.api import http_status
from matching.images import ImageTooLarge, InvalidImage, UnsupportedMediaType, decode_image, validate_image_bytes

PHOTO = "people/df-01/img10.jpg"  # 408x594, one face


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.fixture
def photo(faces_dir) -> bytes:
    return (faces_dir / PHOTO).read_bytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP"])
def test_accepted_formats_are_reported(fmt):
    data = encode(Image.new("RGB", (64, 48), "white"), fmt)
    assert validate_image_bytes(data) == fmt
    assert decode_image(data).shape == (48, 64, 3)


def test_camera_jpeg_with_extra_frames_is_a_jpeg():
    data = encode(
        Image.new("RGB", (64, 48), "white"), "MPO", save_all=True, append_images=[Image.new("RGB", (64, 48), "black")]
    )
    assert Image.open(io.BytesIO(data)).format == "MPO"
    assert validate_image_bytes(data) == "JPEG"
    assert decode_image(data)[0, 0].tolist() == [255, 255, 255]  # the first (main) frame


@pytest.mark.parametrize("fmt", ["GIF", "TIFF"])
def test_other_image_formats_are_unsupported(fmt):
    data = encode(Image.new("RGB", (64, 48), "white"), fmt)
    with pytest.raises(UnsupportedMediaType) as err:
        validate_image_bytes(data)
    assert err.value.code == "unsupported_media_type" and http_status(err.value) == 415


def test_a_file_that_is_no_image_is_unsupported():
    with pytest.raises(UnsupportedMediaType):
        validate_image_bytes(b"%PDF-1.7 this is not a photo")


def test_empty_upload_is_invalid():
    with pytest.raises(InvalidImage):
        validate_image_bytes(b"")


def test_oversize_file_is_refused_before_decoding(settings, photo):
    settings.MAX_IMAGE_BYTES = len(photo) - 1
    with pytest.raises(ImageTooLarge) as err:
        validate_image_bytes(photo)
    assert err.value.code == "image_too_large" and http_status(err.value) == 413
    settings.MAX_IMAGE_BYTES = len(photo)
    assert validate_image_bytes(photo) == "JPEG"


def test_truncated_jpeg_is_invalid(photo):
    assert validate_image_bytes(photo) == "JPEG"
    with pytest.raises(InvalidImage) as err:
        validate_image_bytes(photo[: len(photo) // 2])
    assert err.value.code == "invalid_image" and http_status(err.value) == 400
    with pytest.raises(InvalidImage):
        decode_image(photo[: len(photo) // 2])


def test_corrupt_png_is_invalid():
    data = bytearray(encode(Image.new("RGB", (64, 48), "white"), "PNG"))
    data[-20:-12] = b"\x00" * 8  # break the image data's CRC
    with pytest.raises(InvalidImage):
        validate_image_bytes(bytes(data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims width x height (a decompression bomb's shape)."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    ihdr = 8 + 8  # signature, then length + "IHDR"
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13])))
    return bytes(data)


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 5_000)])  # past Pillow's own limit; past ours only
def test_decompression_bomb_is_invalid(settings, size):
    assert size[0] * size[1] > settings.MAX_IMAGE_PIXELS
    data = png_declaring(*size)
    with pytest.raises(InvalidImage) as err:
        validate_image_bytes(data)
    assert "pixels" in err.value.message
    with pytest.raises(InvalidImage):
        decode_image(data)


def test_large_photo_is_downscaled_for_detection(settings, photo):
    settings.DETECT_MAX_SIDE = 300
    pixels = decode_image(photo)
    assert pixels.dtype == np.uint8 and pixels.shape[2] == 3
    assert max(pixels.shape[:2]) == 300
    assert pixels.shape[0] > pixels.shape[1]  # portrait stays portrait


def test_grayscale_and_alpha_images_decode_to_rgb():
    assert decode_image(encode(Image.new("L", (20, 10), 128), "PNG")).shape == (10, 20, 3)
    assert decode_image(encode(Image.new("RGBA", (20, 10), (1, 2, 3, 0)), "PNG")).shape == (10, 20, 3)


def test_exif_orientation_is_honoured(photo):
    from matching.face import faces_in

    upright = Image.open(io.BytesIO(photo))
    # Stored lying on its side; orientation 6 tells viewers to turn it 90 degrees clockwise.
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(sideways, "JPEG", exif=exif.tobytes(), quality=95)

    pixels = decode_image(data)
    assert pixels.shape[:2] == (upright.height, upright.width)
    assert len(faces_in(pixels)) == 1
    # Without the tag the same pixels hold no upright face: the orientation is what made it findable.
    assert faces_in(np.asarray(sideways.convert("RGB"))) == []


def test_the_web_check_does_not_inflate_a_png_the_worker_does():
    """Pixel data that only inflating reveals as broken passes the web's check and fails in the worker."""
    data = bytearray(encode(Image.new("RGB", (64, 48), "white"), "PNG"))
    start = data.index(b"IDAT") + 4
    length = struct.unpack(">I", data[start - 8 : start - 4])[0]
    data[start + 2 : start + length] = b"\xff" * (length - 2)  # a zlib stream that cannot be inflated
    data[start + length : start + length + 4] = struct.pack(">I", zlib.crc32(bytes(data[start - 4 : start + length])))
    assert validate_image_bytes(bytes(data)) == "PNG"
    with pytest.raises(InvalidImage):
        decode_image(bytes(data))
