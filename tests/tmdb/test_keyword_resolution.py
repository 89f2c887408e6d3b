"""Keyword resolution against /search/keyword answers ordered by id over several pages, as TMDb gives them."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from qwir.tmdb import discovery
from qwir.tmdb.client import TmdbClient

BASE = "https://tmdb.test/3"
PAGE_SIZE = 20


class NoWait:
    def acquire(self) -> None:
        return None


@pytest.fixture
def client():
    with TmdbClient("0123456789abcdef" * 2, base_url=BASE, limiter=NoWait(),
                    sleep=lambda _s: None, cache={}) as tmdb:
        yield tmdb


@pytest.fixture
def api():
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


def id_ordered_search(keywords: list[tuple[int, str]]):
    """A /search/keyword route answering like TMDb: substring matches, by id, 20 a page."""

    def answer(request: httpx.Request) -> httpx.Response:
        query = request.url.params["query"].casefold()
        page = int(request.url.params.get("page", "1"))
        hits = sorted((kid, name) for kid, name in keywords if query in name.casefold())
        total_pages = max(1, -(-len(hits) // PAGE_SIZE))
        chunk = hits[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        return httpx.Response(200, json={
            "page": page, "total_pages": total_pages, "total_results": len(hits),
            "results": [{"id": kid, "name": name} for kid, name in chunk]})

    return answer


def lesbian_keywords() -> list[tuple[int, str]]:
    """45 names holding "lesbian", by id: the exact "Lesbian" (the newest id) sits alone on page three."""
    fillers = [(9000 + n, f"lesbian thing {n}") for n in range(42)]
    return [*fillers, (249665, "lesbian romance"), (319872, "Lesbian Romance"), (330000, "Lesbian")]


def test_tmdbs_recorded_first_page_then_the_pages_it_announces(api, client, shared_dir):
    recorded = shared_dir / "tmdb-recorded" / "spec_example_search_keyword_query_lost.json"
    first = json.loads(recorded.read_text())  # page 1 of 5, "lost" 262419 among the results

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page == 1:
            return httpx.Response(200, json=first)
        results = [{"id": 400000 + page, "name": "Lost" if page == 5 else f"lost thing {page}"}]
        return httpx.Response(200, json={**first, "page": page, "results": results})

    route = api.get("/search/keyword").mock(side_effect=answer)
    assert [k.id for k in discovery.resolve_keyword(client, "lost")] == [262419, 400005]
    assert route.call_count == first["total_pages"] == 5


def test_every_page_is_read_and_every_exact_match_kept(api, client):
    route = api.get("/search/keyword").mock(side_effect=id_ordered_search(lesbian_keywords()))
    found = discovery.resolve_keyword(client, "lesbian romance")
    assert found == [discovery.Keyword(249665, "lesbian romance"),
                     discovery.Keyword(319872, "Lesbian Romance")]
    assert route.call_count == 1  # only those two contain the phrase: one page is all it needs


def test_an_exact_name_on_page_three_is_found(api, client):
    route = api.get("/search/keyword").mock(side_effect=id_ordered_search(lesbian_keywords()))
    found = discovery.resolve_keyword(client, "lesbian")
    assert [k.id for k in found] == [330000]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]


def test_an_exact_match_on_an_early_page_does_not_stop_the_reading(api, client):
    keywords = [(10768, "lesbian"), *[(20000 + n, f"lesbian {n}") for n in range(30)], (264386, "LESBIAN")]
    api.get("/search/keyword").mock(side_effect=id_ordered_search(keywords))
    assert [k.id for k in discovery.resolve_keyword(client, " Lesbian ")] == [10768, 264386]


def test_each_name_reports_its_own_ids_or_none(api, client):
    keywords = [(258533, "gay theme"), (237, "gay"), (1100, "Lesbian")]
    api.get("/search/keyword").mock(side_effect=id_ordered_search(keywords))
    found = discovery.resolve_keyword_names(client, ["gay theme", "aromantic", "gay"])
    assert {name: [k.id for k in ks] for name, ks in found.items()} == {
        "gay theme": [258533], "aromantic": [], "gay": [237]}


def test_reading_stops_at_the_page_bound(api, client):
    keywords = [(n, f"drama {n}") for n in range(1, 1000)]
    route = api.get("/search/keyword").mock(side_effect=id_ordered_search(keywords))
    assert discovery.resolve_keyword(client, "drama", max_pages=4) == []
    assert route.call_count == 4


def test_a_missing_or_odd_total_pages_reads_one_page(api, client):
    route = api.get("/search/keyword").mock(return_value=httpx.Response(200, json={
        "page": 1, "results": [{"id": 5, "name": "queer"}], "total_pages": "many"}))
    assert discovery.resolve_keyword(client, "queer") == [discovery.Keyword(5, "queer")]
    assert route.call_count == 1
