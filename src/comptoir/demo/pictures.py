"""Demo product pictures, drawn with Pillow at seed time (no image files in the repository).

Each picture is a simple rendering: a soft background in the department's colour, a shape standing for the product
(seen from a different angle on each picture of the gallery) and the product's brand and name. They are uploaded
through `catalog.services.product_image_upload` by a seller offering the product, as a seller would, so the demo
exercises the real checks, storage and rendition task."""

from __future__ import annotations

import hashlib
import io
import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

from comptoir.catalog.models import Product
from comptoir.catalog.services import product_image_upload

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller

WIDTH, HEIGHT = 640, 480
# Background and ink per tone (the storefront's tile colours, so a department keeps its look).
TONES = [
    ((230, 242, 238), (11, 93, 69)),
    ((232, 238, 251), (30, 58, 138)),
    ((251, 239, 230), (138, 59, 18)),
    ((241, 234, 250), (91, 42, 134)),
    ((253, 246, 221), (107, 78, 0)),
    ((233, 244, 248), (14, 84, 103)),
]
VIEWS = ("front", "side", "detail")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _shape(draw: ImageDraw.ImageDraw, kind: int, view: int, ink: tuple[int, int, int]) -> None:
    """A product-like shape centred in the upper part; `view` turns and scales it a little."""
    centre_x, centre_y = WIDTH // 2 + (view - 1) * 60, 185
    size = 120 - view * 15
    light = tuple(min(255, channel + 150) for channel in ink)
    box = (centre_x - size, centre_y - size, centre_x + size, centre_y + size)
    if kind == 0:
        draw.ellipse(box, fill=light, outline=ink, width=6)
        draw.ellipse((centre_x - size // 3, centre_y - size // 3, centre_x + size // 3, centre_y + size // 3), fill=ink)
    elif kind == 1:
        draw.rounded_rectangle(box, radius=28, fill=light, outline=ink, width=6)
        draw.rectangle((centre_x - size + 30, centre_y - 12, centre_x + size - 30, centre_y + 12), fill=ink)
    elif kind == 2:
        points = [(centre_x, centre_y - size), (centre_x + size, centre_y + size), (centre_x - size, centre_y + size)]
        draw.polygon(points, fill=light, outline=ink, width=6)
    else:
        draw.regular_polygon((centre_x, centre_y, size), 6, rotation=view * 15, fill=light, outline=ink, width=6)
    # A shadow line under the object.
    draw.line((centre_x - size, centre_y + size + 18, centre_x + size, centre_y + size + 18), fill=ink, width=3)


# Pillow's built-in font (the same on every machine, so the pictures are too) has ASCII only: accents are dropped
# ("Théière" is drawn "Theiere") and typographic marks replaced.
_PLAIN = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "×": "x", "ß": "ss"})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_PLAIN)).encode("ascii", "ignore").decode()


def render_demo_picture(
    *, title: str, brand: str, tone: int, view: int = 0, colour: tuple[int, int, int] | None = None
) -> bytes:
    """A JPEG picture of a product, deterministic for its arguments. `colour`: the product's own colour (a variant's),
    drawn on a light background (a dark one for a light colour) instead of the department's tone."""
    title, brand = _ascii(title), _ascii(brand)
    background, ink = TONES[tone % len(TONES)]
    if colour is not None:
        ink = colour
        background = (58, 63, 72) if sum(colour) > 600 else (246, 246, 244)
    picture = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(picture)
    kind = int(hashlib.sha256(title.encode()).hexdigest(), 16) % 4
    _shape(draw, kind, view, ink)
    if brand:
        draw.text((WIDTH // 2, 350), brand.upper(), font=_font(22), fill=ink, anchor="mm")
    for number, line in enumerate(textwrap.wrap(title, width=38)[:2]):
        draw.text((WIDTH // 2, 388 + number * 32), line, font=_font(26), fill=ink, anchor="mm")
    draw.text((WIDTH - 16, HEIGHT - 14), VIEWS[view % len(VIEWS)], font=_font(14), fill=ink, anchor="rs")
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=82)
    return output.getvalue()


def demo_pictures_seed(
    *,
    products: Iterable[Product],
    seller_for: Callable[[int], Seller | None],
    gallery_size: Callable[[int], int],
) -> int:
    """Upload generated pictures for `products`: `gallery_size(index)` pictures for the index-th product, by the seller
    `seller_for(product_id)` returns (one with an offer on it; None: no pictures). Returns the pictures added."""
    added = 0
    for index, product in enumerate(products):
        seller = seller_for(product.pk)
        if seller is None:
            continue
        for view in range(gallery_size(index)):
            content = render_demo_picture(
                title=product.title, brand=product.brand, tone=product.category_id or 0, view=view
            )
            outcome = product_image_upload(
                product_id=product.pk,
                seller=seller,
                actor=None,
                content=content,
                alt_text=f"{product.title} ({VIEWS[view]})"[:300],
            )
            added += int(outcome.created)
    return added
