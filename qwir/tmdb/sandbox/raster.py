"""The demo catalog's generated posters drawn to PNG with Pillow, in the same design as the SVGs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont

from qwir.tmdb.sandbox.images import CANVAS, _artwork, _fit_title, _palette, image_kind

# Bold sans faces shipped by common distributions; Pillow's own font when none is installed.
BOLD_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)


@cache
def bold_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in BOLD_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _rgb(css_hsl: str) -> tuple[int, int, int]:
    """The SVG palette's `hsl(h s% l%)` in Pillow's comma syntax."""
    return ImageColor.getrgb(css_hsl.replace(" ", ", "))


def diagonal_gradient(size: tuple[int, int], start: tuple, end: tuple) -> Image.Image:
    """A top-left to bottom-right blend, like the SVG's linearGradient (0,0)-(1,1)."""
    vertical = Image.linear_gradient("L").resize(size)
    horizontal = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize(size)
    mask = ImageChops.add(vertical, horizontal, scale=2)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def render_poster_png(file_name: str, width: int) -> Image.Image:
    """The poster for a generated file name as an RGB image `width` pixels wide (2:3)."""
    if image_kind(file_name) != "poster":
        raise ValueError(f"{file_name} is not a poster")
    artwork = _artwork("poster", file_name)
    view_width, view_height = CANVAS["poster"]
    scale = width / view_width
    size = (width, round(view_height * scale))
    start, end, accent = (_rgb(colour) for colour in _palette(artwork.seed))
    image = diagonal_gradient(size, start, end)
    glow = Image.new("RGBA", size, (0, 0, 0, 0))
    circle_x = view_width * (0.55 + (artwork.seed >> 3) % 40 / 100) * scale
    radius, circle_y = view_width * 0.42 * scale, view_height * 0.18 * scale
    ImageDraw.Draw(glow).ellipse(
        (circle_x - radius, circle_y - radius, circle_x + radius, circle_y + radius), fill=(*accent, 41)
    )
    image.paste(glow, (0, 0), glow)
    _draw_text(ImageDraw.Draw(image), artwork, scale, accent)
    return image


def _draw_text(draw: ImageDraw.ImageDraw, artwork, scale: float, accent: tuple) -> None:
    view_width, view_height = CANVAS["poster"]
    margin = view_width * 0.08
    draw.rectangle(
        (margin * scale, margin * scale, (margin + view_width * 0.18) * scale, (margin + 2.5) * scale),
        fill=accent,
    )
    font_size, lines = _fit_title(artwork.heading, view_width - 2 * margin, 6)
    line_height = font_size * 1.08
    top = view_height * 0.42 - (len(lines) - 1) * line_height / 2
    font = bold_font(max(6, round(font_size * scale)))
    for index, line in enumerate(lines):
        draw.text((margin * scale, (top + index * line_height) * scale), line, font=font,
                  fill="white", anchor="ls")
    caption_font = bold_font(max(6, round(max(8.0, view_height * 0.045) * scale)))
    draw.text((margin * scale, (view_height - margin) * scale), artwork.caption, font=caption_font,
              fill=accent, anchor="ls")
