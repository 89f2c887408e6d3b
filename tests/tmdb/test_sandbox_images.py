"""Generated artwork: well-formed SVG at TMDb's sizes, titles escaped, served by the Flask blueprint."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from qwir.tmdb.sandbox import UnknownImageError, image_kind, load_catalog, render_image_svg
from qwir.tmdb.sandbox.images import wrap_title

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own generated markup, not untrusted input)
    assert root.tag == f"{SVG_NS}svg"
    return root


@pytest.mark.parametrize(
    ("kind", "file_name", "size", "expected"),
    [
        ("poster", "/qwir-demo-movie-376867.svg", "w342", (342, 513)),
        ("poster", "/qwir-demo-tv-118357.svg", "w92", (92, 138)),
        ("backdrop", "/qwir-demo-movie-376867-backdrop.svg", "w1280", (1280, 720)),
        ("backdrop", "/qwir-demo-movie-376867-backdrop.svg", "original", (1920, 1080)),
        ("logo", "/qwir-demo-provider-9001.svg", "w92", (92, 92)),
    ],
)
def test_svgs_have_their_kinds_proportions(kind, file_name, size, expected):
    root = parse(render_image_svg(kind, file_name, size))
    assert (int(root.get("width")), int(root.get("height"))) == expected
    _, _, view_width, view_height = (float(n) for n in root.get("viewBox").split())
    assert view_width / view_height == pytest.approx(expected[0] / expected[1], rel=0.01)


def test_poster_shows_title_and_year_and_is_deterministic():
    svg = render_image_svg("poster", "/qwir-demo-movie-376867.svg")
    root = parse(svg)
    text = " ".join("".join(node.itertext()) for node in root.iter(f"{SVG_NS}text"))
    assert "Moonlight" in text and "2016" in text
    assert root.get("aria-label") == "Moonlight (2016)"
    assert svg == render_image_svg("poster", "/qwir-demo-movie-376867.svg")
    assert svg != render_image_svg("poster", "/qwir-demo-movie-142.svg")


@pytest.mark.parametrize("movie_id", sorted(load_catalog().movies))
def test_every_catalog_poster_is_well_formed_xml(movie_id):
    title = load_catalog().movies[movie_id]["title"]
    root = parse(render_image_svg("poster", f"/qwir-demo-movie-{movie_id}.svg", "w185"))
    assert root.get("aria-label").startswith(title)


def test_titles_with_markup_characters_are_escaped():
    svg = render_image_svg("poster", "/qwir-demo-movie-3563.svg")  # I Now Pronounce You Chuck & Larry
    assert "Chuck &amp; Larry" in svg and "Chuck & Larry" not in svg
    assert "Chuck & Larry" in "".join(parse(svg).itertext())


def test_long_words_wrap_without_overflowing():
    lines = wrap_title("Supercalifragilisticexpialidocious and more", 10)
    assert all(len(line) <= 10 for line in lines)
    assert "".join(lines).replace("-", "").replace(" ", "") == "Supercalifragilisticexpialidociousandmore"


@pytest.mark.parametrize(
    ("kind", "file_name", "size"),
    [
        ("poster", "/qwir-demo-movie-1.svg", "w342"),  # not in the catalog
        ("poster", "/qwir-demo-movie-376867.svg", "w1280"),  # a backdrop size
        ("backdrop", "/qwir-demo-movie-376867.svg", "w780"),  # a poster file
        ("logo", "/qwir-demo-provider-1.svg", "w92"),
        ("poster", "/etc/passwd", "w342"),
    ],
)
def test_unknown_images_raise(kind, file_name, size):
    with pytest.raises(UnknownImageError):
        render_image_svg(kind, file_name, size)


def test_image_kind_reads_the_file_name():
    assert image_kind("qwir-demo-movie-1.svg") == "poster"
    assert image_kind("/qwir-demo-tv-1-backdrop.svg") == "backdrop"
    assert image_kind("qwir-demo-provider-9001.svg") == "logo"


def test_blueprint_serves_svg_with_a_long_cache(client):
    response = client.get("/sandbox/t/p/w342/qwir-demo-movie-376867.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert parse(response.get_data(as_text=True)).get("width") == "342"


@pytest.mark.parametrize(
    "path",
    [
        "/sandbox/t/p/w342/qwir-demo-movie-1.svg",
        "/sandbox/t/p/w999/qwir-demo-movie-376867.svg",
        "/sandbox/t/p/w342/not-ours.svg",
        "/sandbox/t/p/w1280/qwir-demo-movie-376867.svg",
    ],
)
def test_blueprint_answers_404_for_unknown_files_or_sizes(client, path):
    assert client.get(path).status_code == 404
