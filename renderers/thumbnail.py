"""The picture a file manager or mail program shows for a document (docProps/thumbnail.jpeg):
the document's title on a page of its shape, in the house colours. The templates' own are
blank, so every document looked the same before it was opened."""

from __future__ import annotations

import io
import textwrap
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from renderers import house_colours as colours

_BLUE = f"#{colours.BLUE}"
_PALE = f"#{colours.PALE}"
_GREY = (0xD9, 0xD9, 0xD9)
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONT, size)
    except OSError:  # a machine without DejaVu: Pillow's own scalable font
        return ImageFont.load_default(size)


def draw(title: str, landscape: bool) -> bytes:
    """A 256-pixel JPEG: a slide (16:9) or an A4 page with ``title`` on it."""
    width, height = (256, 144) if landscape else (181, 256)
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, width, 10 if landscape else 14), fill=_BLUE)
    pen.rectangle((0, height - 6, width, height), fill=_PALE)
    font = _font(15 if landscape else 13)
    lines = textwrap.wrap(title or "KiAP", width=24 if landscape else 20)[:5]
    y = 22 if landscape else 30
    for line in lines:
        pen.text((12, y), line, fill=_BLUE, font=font)
        y += 19 if landscape else 17
    if not landscape:
        # A page's text, as grey lines below its heading.
        for number, top in enumerate(range(y + 10, height - 20, 9)):
            pen.rectangle((12, top, width - 12 - (number * 23) % 40, top + 3), fill=_GREY)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
