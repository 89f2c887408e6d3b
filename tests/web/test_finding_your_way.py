"""Finding your way: the planets index, the feed's jump list, the unknown-planet 404, the header search."""

from __future__ import annotations


def test_planets_index_lists_every_planet_with_counts_and_colour(client, catalog):
    response = client.get("/planets")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cookie" in response.vary
    queer = page.split('id="planet-queer"')[1].split("</li>")[0]
    assert 'href="/planets/queer"' in queer and "Stories across the spectrum." in queer
    assert "16 films · 3 series" in queer
    assert 'class="planet-card theme-nebula"' in page
    for slug in ("trans", "drag"):  # featured or not, listed or not yet synced
        assert f'id="planet-{slug}"' in page


def test_every_page_links_the_planets_and_carries_the_search_form(client, catalog):
    for url in ("/", "/planets/queer", "/preferences"):
        page = client.get(url).get_data(as_text=True)
        assert '<li><a href="/planets"' in page, url
        assert '<form class="site-search" role="search" method="get" action="/search">' in page, url


def test_feed_jump_list_reaches_each_identity(client, catalog):
    page = client.get("/").get_data(as_text=True)
    jump = page.split('class="jump-list"')[1].split("</nav>")[0]
    assert 'href="#identity-queer"' in jump and 'href="/planets"' in jump
    assert 'id="identity-queer"' in page


def test_unknown_planet_404_lists_the_real_ones(client, catalog):
    response = client.get("/planets/nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "The planets we have" in page
    assert 'href="/planets/queer"' in page and 'href="/planets/trans"' in page
