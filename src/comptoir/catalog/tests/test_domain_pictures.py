"""Picture checks and renditions (catalog.domain.pictures), on real tiny files. Pure: no database."""

import io

import pytest
from PIL import Image

from comptoir.catalog.domain.pictures import (
    PictureLimits,
    PictureRefused,
    Refusal,
    normalise_picture,
    render_renditions,
    rendition_widths,
    sniff_format,
)
from comptoir.catalog.tests.files import (
    jpeg_with_exif_rotation,
    png_bomb_header,
    png_bytes,
    text_named_jpeg,
    webp_bytes,
)

LIMITS = PictureLimits(max_bytes=2_000_000, min_side=100, max_side=4000, max_pixels=4_000_000)


def test_a_png_is_accepted_with_its_size_and_hash():
    content = png_bytes(320, 240)

    picture = normalise_picture(content, LIMITS)

    assert (picture.format, picture.content_type, picture.extension) == ("PNG", "image/png", "png")
    assert (picture.width, picture.height) == (320, 240)
    assert len(picture.source_sha256) == 64
    assert Image.open(io.BytesIO(picture.content)).size == (320, 240)


def test_a_webp_is_accepted():
    assert normalise_picture(webp_bytes(), LIMITS).content_type == "image/webp"


def test_a_jpeg_is_turned_upright_and_loses_its_metadata():
    content = jpeg_with_exif_rotation(400, 200)
    assert Image.open(io.BytesIO(content)).getexif()[0x0112] == 6

    picture = normalise_picture(content, LIMITS)

    stored = Image.open(io.BytesIO(picture.content))
    assert stored.format == "JPEG"
    assert (picture.width, picture.height) == (200, 400) == stored.size  # rotated to portrait
    assert len(stored.getexif()) == 0  # no orientation, no maker, no GPS position left
    assert b"PhoneMaker" not in picture.content
    # The yellow mark of the stored top-left corner is now at the top right (a 90° clockwise turn).
    red, green, blue = stored.convert("RGB").getpixel((190, 10))
    assert red > 200 and green > 200 and blue < 80


def test_a_text_file_named_jpg_is_an_unsupported_type():
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(text_named_jpeg(), LIMITS)
    assert refused.value.refusal == Refusal.UNSUPPORTED_TYPE


def test_a_gif_is_an_unsupported_type():
    output = io.BytesIO()
    Image.new("P", (200, 200)).save(output, format="GIF")
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(output.getvalue(), LIMITS)
    assert refused.value.refusal == Refusal.UNSUPPORTED_TYPE


def test_a_decompression_bomb_is_refused_from_its_header():
    content = png_bomb_header(100_000, 100_000)
    assert len(content) < 1000

    with pytest.raises(PictureRefused) as refused:
        normalise_picture(content, LIMITS)
    assert refused.value.refusal == Refusal.TOO_MANY_PIXELS


def test_a_picture_over_the_pixel_limit_below_pillows_own_guard_is_refused():
    content = png_bomb_header(3000, 3000)  # 9 Mpx: Pillow would decode it; our limit is 4 Mpx
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(content, LIMITS)
    assert refused.value.refusal == Refusal.TOO_MANY_PIXELS


def test_an_oversized_file_is_refused_before_being_read():
    limits = PictureLimits(max_bytes=1000, min_side=1, max_side=4000, max_pixels=4_000_000)
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(png_bytes(400, 400) + b"\x00" * 1000, limits)
    assert refused.value.refusal == Refusal.TOO_LARGE


@pytest.mark.parametrize(
    "size, refusal", [((50, 300), Refusal.TOO_SMALL), ((300, 99), Refusal.TOO_SMALL), ((4001, 200), Refusal.TOO_BIG)]
)
def test_sides_out_of_bounds_are_refused(size, refusal):
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(png_bytes(*size), LIMITS)
    assert refused.value.refusal == refusal


def test_a_truncated_picture_is_refused_as_corrupt():
    content = png_bytes(300, 300)
    with pytest.raises(PictureRefused) as refused:
        normalise_picture(content[: len(content) // 2], LIMITS)
    assert refused.value.refusal == Refusal.CORRUPT


def test_the_format_comes_from_the_bytes():
    assert sniff_format(png_bytes()[:16]) == "PNG"
    assert sniff_format(jpeg_with_exif_rotation()[:16]) == "JPEG"
    assert sniff_format(webp_bytes()[:16]) == "WEBP"
    assert sniff_format(b"GIF89a..........") is None


def test_renditions_are_never_wider_than_the_original():
    assert rendition_widths(2000, (160, 480, 1200)) == [160, 480, 1200]
    assert rendition_widths(600, (160, 480, 1200)) == [160, 480, 600]
    assert rendition_widths(120, (160, 480, 1200)) == [120]


def test_renditions_are_webp_pictures_of_the_asked_widths_in_proportion():
    renditions = render_renditions(png_bytes(800, 600), [160, 480, 800], max_pixels=4_000_000)

    for rendition, size in zip(renditions, [(160, 120), (480, 360), (800, 600)], strict=True):
        picture = Image.open(io.BytesIO(rendition.content))
        assert picture.format == "WEBP"
        assert (rendition.width, rendition.height) == size == picture.size
