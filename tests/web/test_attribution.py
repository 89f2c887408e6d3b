"""TMDb's attribution: its logo beside its notice on every member page, served from our own static files."""

from __future__ import annotations

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


def test_every_member_page_shows_tmdbs_logo_beside_its_notice(client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">'):]
    logo = footer.index('<img class="tmdb-logo" src="/static/img/tmdb-wordmark.svg?v=')  # v: content hash
    assert logo < footer.index(TMDB_NOTICE) < footer.index("</footer>")


def test_the_logo_is_an_svg_of_our_own(client):
    response = client.get("/static/img/tmdb-wordmark.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<title id=\"tmdb-title\">TMDB</title>" in response.data
    response.close()
