"""Product pictures: what an upload must be, and the renditions made from it. Pure (Pillow, no Django).

An upload is accepted when its bytes (never its name or declared type) are a JPEG, PNG or WebP picture within the
limits: at most `max_bytes`, each side between `min_side` and `max_side` pixels, at most `max_pixels` in all. The
pixel count is read from the header before anything is decoded, so a small file announcing a huge picture (a
decompression bomb) is refused without being expanded; Pillow's own bomb guard (`Image.MAX_IMAGE_PIXELS`) is turned
into the same refusal. An accepted picture is decoded once, turned upright (EXIF orientation) and encoded again in its
format without its metadata (EXIF, XMP, comments: where and with what it was taken); the colour profile is kept.

Renditions are WebP pictures of the normalised original at a few widths, never wider than the original."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

# Format name (Pillow's) -> (media type, file extension).
ALLOWED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class Refusal(StrEnum):
    """Why an upload is refused; interfaces map them to 413 (too large), 415 (type) and 422 (the rest)."""

    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    TOO_BIG = "too_big"
    CORRUPT = "corrupt"


class PictureRefused(Exception):
    def __init__(self, refusal: Refusal, message: str):
        super().__init__(message)
        self.refusal = refusal
        self.message = message


@dataclass(frozen=True)
class PictureLimits:
    max_bytes: int
    min_side: int
    max_side: int
    max_pixels: int


@dataclass(frozen=True)
class NormalisedPicture:
    content: bytes  # the picture to store: upright, without metadata
    format: str  # JPEG, PNG or WEBP
    content_type: str
    extension: str
    width: int
    height: int
    source_sha256: str  # of the uploaded bytes: the same upload twice is the same picture


@dataclass(frozen=True)
class Rendition:
    content: bytes
    width: int
    height: int


def sniff_format(head: bytes) -> str | None:
    """The picture format announced by the first bytes (magic numbers), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _open(content: bytes, max_pixels: int) -> Image.Image:
    """Open (header only) with Pillow's bomb guard as an error whatever the process-wide warning filters say."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(content))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PictureRefused(
                Refusal.TOO_MANY_PIXELS, f"The picture announces more than {max_pixels} pixels."
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise PictureRefused(Refusal.CORRUPT, "The file is not a readable picture.") from error
    return picture


def normalise_picture(content: bytes, limits: PictureLimits) -> NormalisedPicture:
    """The picture to store for an upload, or PictureRefused saying why not."""
    if len(content) > limits.max_bytes:
        raise PictureRefused(Refusal.TOO_LARGE, f"The file is larger than {limits.max_bytes} bytes.")
    announced = sniff_format(content[:16])
    if announced is None:
        raise PictureRefused(Refusal.UNSUPPORTED_TYPE, "Send a JPEG, PNG or WebP picture.")
    picture = _open(content, limits.max_pixels)
    # Phones write MPO (a JPEG followed by more frames); its first frame is an ordinary JPEG.
    if picture.format != announced and not (announced == "JPEG" and picture.format == "MPO"):
        raise PictureRefused(Refusal.CORRUPT, "The file is not a readable picture.")
    width, height = picture.size
    if width * height > limits.max_pixels:
        raise PictureRefused(Refusal.TOO_MANY_PIXELS, f"The picture has more than {limits.max_pixels} pixels.")
    if max(width, height) > limits.max_side:
        raise PictureRefused(Refusal.TOO_BIG, f"A side of the picture is longer than {limits.max_side} pixels.")
    if min(width, height) < limits.min_side:
        raise PictureRefused(Refusal.TOO_SMALL, f"A side of the picture is shorter than {limits.min_side} pixels.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture.load()
            upright = ImageOps.exif_transpose(picture)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PictureRefused(Refusal.TOO_MANY_PIXELS, "The picture has too many pixels.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PictureRefused(Refusal.CORRUPT, "The picture is damaged or truncated.") from error
    content_type, extension = ALLOWED_FORMATS[announced]
    return NormalisedPicture(
        content=_encode(upright, announced, icc_profile=picture.info.get("icc_profile")),
        format=announced,
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
        source_sha256=hashlib.sha256(content).hexdigest(),
    )


def _encode(picture: Image.Image, format_name: str, *, icc_profile: bytes | None) -> bytes:
    """Encode without metadata: only the pixels (and the colour profile) are written."""
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if format_name == "JPEG":
        if picture.mode not in ("RGB", "L", "CMYK"):
            picture = picture.convert("RGB")
        options.update(quality=90, optimize=True)
    elif format_name == "PNG":
        if picture.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            picture = picture.convert("RGBA")
        options.update(optimize=True)
    else:
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        options.update(quality=90)
    # A fresh image carries no `info` (EXIF, XMP, comments, PNG text chunks) from the upload.
    clean = Image.new(picture.mode, picture.size)
    if picture.mode == "P":
        palette = picture.getpalette()
        if palette is not None:
            clean.putpalette(palette)
        if "transparency" in picture.info:
            options["transparency"] = picture.info["transparency"]
    clean.paste(picture)
    output = io.BytesIO()
    clean.save(output, format=format_name, **options)
    return output.getvalue()


def rendition_widths(original_width: int, targets: tuple[int, ...]) -> list[int]:
    """The widths to render: each target, or the original's width where it is narrower (never upscaled)."""
    return sorted({min(target, original_width) for target in targets if target > 0})


def render_renditions(content: bytes, widths: list[int], *, max_pixels: int) -> list[Rendition]:
    """WebP pictures of a stored, normalised picture at each width (height in proportion), decoded once."""
    picture = _open(content, max_pixels)
    picture.load()
    if picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB")
    renditions = []
    for width in widths:
        resized = picture
        if picture.width != width:
            height = max(1, round(picture.height * width / picture.width))
            resized = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        output = io.BytesIO()
        # method 2 of 6: a few per cent larger than the default 4 for half the encoding time.
        resized.save(output, format="WEBP", quality=82, method=2)
        renditions.append(Rendition(content=output.getvalue(), width=resized.width, height=resized.height))
    return renditions
