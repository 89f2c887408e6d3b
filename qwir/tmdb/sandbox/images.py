"""Generated artwork for the demo catalog: posters, backdrops and provider logos as SVG."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from qwir.tmdb.sandbox import derived
from qwir.tmdb.sandbox.catalog import load_catalog

POSTER_SIZES = ("w92", "w154", "w185", "w342", "w500", "w780", "original")
BACKDROP_SIZES = ("w300", "w780", "w1280", "original")
LOGO_SIZES = ("w45", "w92", "w154", "w185", "w300", "w500", "original")
SIZES = {"poster": POSTER_SIZES, "backdrop": BACKDROP_SIZES, "logo": LOGO_SIZES}

# Drawing units (the viewBox) and the pixel width of "original", per kind.
CANVAS = {"poster": (200, 300), "backdrop": (320, 180), "logo": (100, 100)}
ORIGINAL_WIDTH = {"poster": 600, "backdrop": 1920, "logo": 300}

FILE_NAME = re.compile(r"^/?qwir-demo-(?:(movie|tv)-(\d+)(-backdrop)?|provider-(\d+))\.svg$")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH_EM = 0.72  # wide bold sans faces (DejaVu) included, so wrapped lines stay inside the frame


class UnknownImageError(LookupError):
    """No such generated image (unknown file name, size, or title)."""


@dataclass(frozen=True)
class Artwork:
    kind: str
    seed: int
    heading: str
    caption: str


def image_paths(media_type: str, tmdb_id: int) -> tuple[str, str]:
    """The poster_path and backdrop_path the sandbox gives a title."""
    return f"/qwir-demo-{media_type}-{tmdb_id}.svg", f"/qwir-demo-{media_type}-{tmdb_id}-backdrop.svg"


def image_kind(file_name: str) -> str:
    """poster, backdrop or logo, read from a generated file name."""
    match = FILE_NAME.match(file_name)
    if not match:
        raise UnknownImageError(file_name)
    if match.group(4):
        return "logo"
    return "backdrop" if match.group(3) else "poster"


def render_image_svg(kind: str, file_name: str, size: str = "original") -> str:
    """Draw the SVG for a generated file name at one of TMDb's sizes for that kind."""
    if kind not in SIZES or size not in SIZES[kind] or image_kind(file_name) != kind:
        raise UnknownImageError(f"{kind} {size} {file_name}")
    artwork = _artwork(kind, file_name)
    width, height = _pixel_size(kind, size)
    return _svg(artwork, width, height)


def _artwork(kind: str, file_name: str) -> Artwork:
    match = FILE_NAME.match(file_name)
    if match is None:
        raise UnknownImageError(file_name)
    if kind == "logo":
        name = derived.DEMO_PROVIDERS.get(int(match.group(4)))
        if name is None:
            raise UnknownImageError(file_name)
        return Artwork(kind, derived.stable_number("logo", name), name.removeprefix("Demo "), "DEMO")
    media_type, tmdb_id = match.group(1), int(match.group(2))
    title = load_catalog().titles(media_type).get(tmdb_id)
    if title is None:
        raise UnknownImageError(file_name)
    name = title.get("title") or title["name"]
    year = (title.get("release_date") or title.get("first_air_date") or "")[:4]
    caption = f"{year} · SERIES" if media_type == "tv" and year else year
    return Artwork(kind, derived.stable_number(media_type, tmdb_id), name, caption)


def _pixel_size(kind: str, size: str) -> tuple[int, int]:
    canvas_width, canvas_height = CANVAS[kind]
    width = ORIGINAL_WIDTH[kind] if size == "original" else int(size[1:])
    return width, round(width * canvas_height / canvas_width)


def _palette(seed: int) -> tuple[str, str, str]:
    hue = seed % 360
    second = (hue + 40 + (seed >> 9) % 80) % 360
    return f"hsl({hue} 70% 38%)", f"hsl({second} 75% 22%)", f"hsl({(hue + 180) % 360} 90% 70%)"


def wrap_title(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap; a word longer than a line is split so nothing overflows."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > max_chars:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: max_chars - 1] + "-")
            word = word[max_chars - 1 :]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= max_chars:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _fit_title(text: str, usable_width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest type at which every word fits whole on a line; split words only as a last resort."""
    longest_word = max((len(word) for word in text.split()), default=1)
    for font_size in (32, 28, 24, 20, 17, 14, 12, 10):
        max_chars = max(1, int(usable_width / (font_size * CHAR_WIDTH_EM)))
        lines = wrap_title(text, max_chars)
        if longest_word <= max_chars and len(lines) <= max_lines:
            return font_size, lines
    return 10, lines if len(lines) <= max_lines else [*lines[: max_lines - 1], "…"]


def _svg(artwork: Artwork, width: int, height: int) -> str:
    view_width, view_height = CANVAS[artwork.kind]
    start, end, accent = _palette(artwork.seed)
    margin = view_width * 0.08
    max_lines = {"poster": 6, "backdrop": 3, "logo": 2}[artwork.kind]
    font_size, lines = _fit_title(artwork.heading, view_width - 2 * margin, max_lines)
    line_height = font_size * 1.08
    top = view_height * (0.42 if artwork.kind == "poster" else 0.5) - (len(lines) - 1) * line_height / 2
    text_lines = "".join(
        f'<tspan x="{margin:g}" y="{top + index * line_height:.1f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    label = f"{artwork.heading} ({artwork.caption})" if artwork.caption else artwork.heading
    circle_x = view_width * (0.55 + (artwork.seed >> 3) % 40 / 100)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {view_width} {view_height}" role="img" aria-label={quoteattr(label)}>'
        f"<title>{escape(label)}</title>"
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/>'
        "</linearGradient></defs>"
        f'<rect width="{view_width}" height="{view_height}" fill="url(#g)"/>'
        f'<circle cx="{circle_x:.1f}" cy="{view_height * 0.18:.1f}" r="{view_width * 0.42:.1f}" '
        f'fill="{accent}" fill-opacity="0.16"/>'
        f'<rect x="{margin:g}" y="{margin:g}" width="{view_width * 0.18:.1f}" height="2.5" fill="{accent}"/>'
        f'<text font-family="{FONT}" font-weight="800" font-size="{font_size}" fill="#fff" '
        f'letter-spacing="-0.5">{text_lines}</text>'
        f'<text x="{margin:g}" y="{view_height - margin:.1f}" font-family="{FONT}" font-weight="600" '
        f'font-size="{max(8.0, view_height * 0.045):.1f}" fill="{accent}" letter-spacing="1.5">'
        f"{escape(artwork.caption)}</text>"
        "</svg>"
    )
