"""Share cards: the 1200x630 PNG a link preview shows, drawn with Pillow from a name, colours and posters.

Nothing here knows Flask: the caller says what to draw and how to get each poster.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from qwir.tmdb.sandbox.images import wrap_title
from qwir.tmdb.sandbox.raster import bold_font, diagonal_gradient

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
POSTER_WIDTH, POSTER_HEIGHT = 156, 234
POSTER_GAP = 24
MAX_POSTERS = 6
# zlib level 6: Pillow's `optimize` made cards about 15% smaller at four times the drawing time.
PNG_COMPRESSION = 6

# The planet themes of static/css/qwir.css: --accent, --accent-bright, --glow.
THEME_COLOURS = {
    "default": ("#6d28d9", "#c4b5fd", "#f0abfc"),
    "aurora": ("#0f766e", "#5eead4", "#a7f3d0"),
    "dawn": ("#be185d", "#f9a8d4", "#fed7aa"),
    "sunset": ("#c2410c", "#fdba74", "#fda4af"),
    "lagoon": ("#0369a1", "#7dd3fc", "#99f6e4"),
    "twilight": ("#4338ca", "#a5b4fc", "#c4b5fd"),
    "solar": ("#a16207", "#fde047", "#fef08a"),
    "nebula": ("#a21caf", "#f0abfc", "#a5b4fc"),
    "comet": ("#334155", "#cbd5e1", "#bae6fd"),
    "glitter": ("#b91c7c", "#f5b8e0", "#fde68a"),
}
NIGHT = (17, 12, 34)


@dataclass(frozen=True)
class CardPoster:
    """One poster of the row: what to fetch, and the title to letter in when it cannot be had."""

    poster_path: str | None
    title: str
    source: str | None = None  # "live" or "sandbox", as stored with the item at its sync


@dataclass(frozen=True)
class ShareCard:
    kicker: str
    heading: str
    subtitle: str
    theme: str
    posters: tuple[CardPoster, ...] = ()


PosterLoader = Callable[[CardPoster], Image.Image | None]


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def draw_share_card(card: ShareCard, load_poster: PosterLoader) -> bytes:
    """The card as PNG bytes: the theme's gradient and glow, kicker, heading, subtitle, a poster row."""
    accent, bright, glow = (_hex(c) for c in THEME_COLOURS.get(card.theme, THEME_COLOURS["default"]))
    image = diagonal_gradient((WIDTH, HEIGHT), accent, NIGHT)
    _draw_glow(image, glow)
    draw = ImageDraw.Draw(image)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 120, MARGIN + 8), fill=bright)
    draw.text((MARGIN, MARGIN + 56), card.kicker.upper(), font=bold_font(26), fill=bright, anchor="ls")
    heading_size, heading_lines = _fit(card.heading, (76, 64, 52, 44), 24, 1)
    draw.text((MARGIN, MARGIN + 56 + heading_size + 16), heading_lines[0], font=bold_font(heading_size),
              fill="white", anchor="ls")
    subtitle_lines = wrap_title(card.subtitle, 60)[:2] if card.subtitle else []
    for index, line in enumerate(subtitle_lines):
        draw.text((MARGIN, MARGIN + 56 + heading_size + 60 + index * 34), line, font=bold_font(26),
                  fill=(235, 235, 245), anchor="ls")
    _draw_posters(image, card.posters[:MAX_POSTERS], load_poster, bright)
    output = io.BytesIO()
    image.save(output, format="PNG", compress_level=PNG_COMPRESSION)
    return output.getvalue()


def _fit(text: str, sizes: Sequence[int], width_chars_at_76: int, max_lines: int) -> tuple[int, list[str]]:
    """The largest size at which `text` fits on `max_lines` lines across the card."""
    for size in sizes:
        lines = wrap_title(text, int(width_chars_at_76 * 76 / size))
        if len(lines) <= max_lines:
            return size, lines
    lines = wrap_title(text, int(width_chars_at_76 * 76 / sizes[-1]))
    return sizes[-1], [lines[0] + ("…" if len(lines) > 1 else "")]


def _draw_glow(image: Image.Image, glow: tuple[int, int, int]) -> None:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).ellipse((WIDTH - 520, -320, WIDTH + 200, 360), fill=(*glow, 46))
    image.paste(layer, (0, 0), layer)


def _draw_posters(image: Image.Image, posters: Sequence[CardPoster], load_poster: PosterLoader,
                  frame: tuple[int, int, int]) -> None:
    top = HEIGHT - MARGIN + 24 - POSTER_HEIGHT
    draw = ImageDraw.Draw(image)
    for index, poster in enumerate(posters):
        left = MARGIN + index * (POSTER_WIDTH + POSTER_GAP)
        box = (left, top, left + POSTER_WIDTH, top + POSTER_HEIGHT)
        artwork = load_poster(poster)
        if artwork is None:
            _draw_missing_poster(draw, box, poster.title, frame)
        else:
            image.paste(artwork.convert("RGB").resize((POSTER_WIDTH, POSTER_HEIGHT), Image.LANCZOS), box[:2])
        draw.rectangle(box, outline=frame, width=2)


def _draw_missing_poster(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], title: str,
                         colour: tuple[int, int, int]) -> None:
    draw.rectangle(box, fill=(38, 30, 62))
    for index, line in enumerate(wrap_title(title, 12)[:5]):
        draw.text((box[0] + 12, box[1] + 36 + index * 24), line, font=bold_font(18), fill=colour, anchor="ls")
