"""Discovery: the exact discover parameters, paging, de-duplication, the 500-page cap, keyword
resolution, the maturity re-check with over-fetching, hydration and random picks."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
import respx

from qwir.tmdb import discovery
from qwir.tmdb.client import TmdbClient
from qwir.tmdb.discovery import DiscoverFilters
from qwir.tmdb.errors import TmdbUnavailableError
from qwir.tmdb.normalize import ImageConfig

BASE = "https://tmdb.test/3"


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


def page_of(ids, *, page=1, total_pages=1):
    return {"page": page, "total_pages": total_pages, "total_results": total_pages * 20,
            "results": [{"id": i, "title": f"Film {i}"} for i in ids]}


def paged(pages: dict[int, list[int]], total_pages: int | None = None):
    """A discover side effect answering each page from `pages`."""
    total = total_pages or max(pages)

    def answer(request):
        number = int(request.url.params["page"])
        return httpx.Response(200, json=page_of(pages.get(number, []), page=number, total_pages=total))

    return answer


def movie_payload(tmdb_id, certification="PG", adult=False):
    releases = {"results": [{"iso_3166_1": "US", "release_dates": [
        {"certification": certification, "type": 3, "release_date": "2001-01-01T00:00:00.000Z",
         "iso_639_1": "", "note": "", "descriptors": []}]}]} if certification else {"results": []}
    return {"id": tmdb_id, "title": f"Film {tmdb_id}", "release_date": "2001-05-01", "adult": adult,
            "release_dates": releases}


def details_route(api, certifications: dict[int, str | None], adult: frozenset[int] = frozenset()):
    def answer(request):
        tmdb_id = int(request.url.path.rsplit("/", 1)[1])
        if tmdb_id not in certifications:
            return httpx.Response(404, json={"success": False, "status_code": 34,
                                             "status_message": "No such title here."})
        return httpx.Response(200, json=movie_payload(tmdb_id, certifications[tmdb_id], tmdb_id in adult))

    return api.get(url__regex=r"https://tmdb\.test/3/movie/\d+\?").mock(side_effect=answer)


# Parameters ------------------------------------------------------------------------------------


def test_movie_discover_sends_every_filter_the_way_tmdb_expects(api, client):
    route = api.get("/discover/movie").mock(return_value=httpx.Response(200, json=page_of([1])))
    filters = DiscoverFilters(with_keywords=(264386, 9833), without_keywords=(445, 12420),
                              language="de-DE", original_language="fr", region="DE",
                              date_from=dt.date(1990, 1, 1), date_to=dt.date(2020, 12, 31),
                              max_certification="PG-13", sort_by="vote_average.desc")
    discovery.discover(client, "movie", filters, count=1)
    sent = dict(route.calls.last.request.url.params)
    sent.pop("api_key")
    assert sent == {
        "include_adult": "false", "sort_by": "vote_average.desc", "with_keywords": "264386|9833",
        "without_keywords": "445|12420", "language": "de-DE", "with_original_language": "fr",
        "primary_release_date.gte": "1990-01-01", "primary_release_date.lte": "2020-12-31",
        "region": "DE", "certification_country": "US", "certification": "G|PG|PG-13", "page": "1",
    }


def test_series_discover_uses_air_dates_and_series_sort_names(api, client):
    route = api.get("/discover/tv").mock(return_value=httpx.Response(200, json=page_of([1])))
    filters = DiscoverFilters(with_keywords=(252909,), date_from=dt.date(2010, 1, 1), region="US",
                              max_certification="R", sort_by="primary_release_date.asc")
    discovery.discover(client, "tv", filters, count=1)
    sent = route.calls.last.request.url.params
    assert sent["first_air_date.gte"] == "2010-01-01"
    assert sent["sort_by"] == "first_air_date.asc"
    # /discover/tv has no region or certification filter: series rely on the re-check instead.
    assert "region" not in sent and "certification" not in sent and "certification.lte" not in sent
    assert sent["without_keywords"] == "|".join(map(str, discovery.EXPLICIT_CONTENT_KEYWORD_IDS))


def test_adult_titles_are_only_requested_when_asked(api, client):
    route = api.get("/discover/movie").mock(return_value=httpx.Response(200, json=page_of([1])))
    discovery.discover(client, "movie", DiscoverFilters(include_adult=True, without_keywords=()), count=1)
    assert route.calls.last.request.url.params["include_adult"] == "true"
    assert "without_keywords" not in route.calls.last.request.url.params


# Paging ----------------------------------------------------------------------------------------


def test_discover_pages_until_the_count_is_met_and_no_further(api, client):
    route = api.get("/discover/movie").mock(side_effect=paged(
        {1: list(range(1, 21)), 2: list(range(21, 41)), 3: list(range(41, 61)), 4: list(range(61, 81))}))
    found = discovery.discover(client, "movie", DiscoverFilters(), count=45)
    assert [r["id"] for r in found] == list(range(1, 46))
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]


def test_discover_drops_titles_that_repeat_across_pages(api, client):
    api.get("/discover/movie").mock(side_effect=paged({1: [1, 2, 3], 2: [3, 2, 4, 5]}))
    found = discovery.discover(client, "movie", DiscoverFilters(), count=10)
    assert [r["id"] for r in found] == [1, 2, 3, 4, 5]


def test_discover_stops_at_page_500_even_when_tmdb_reports_more(api, client):
    route = api.get("/discover/movie").mock(side_effect=paged({499: [1], 500: [2], 501: [3]}, 40000))
    pages = list(discovery.iter_discover(client, "movie", DiscoverFilters(), start_page=499))
    assert [c.request.url.params["page"] for c in route.calls] == ["499", "500"]
    assert [[r["id"] for r in page] for page in pages] == [[1], [2]]


def test_discover_stops_when_tmdb_runs_out(api, client):
    route = api.get("/discover/movie").mock(side_effect=paged({1: [1, 2]}))
    assert len(discovery.discover(client, "movie", DiscoverFilters(), count=20)) == 2
    assert route.call_count == 1


# Keywords --------------------------------------------------------------------------------------


def keyword_page(names_ids, page=1, total_pages=1):
    return {"page": page, "total_pages": total_pages, "total_results": len(names_ids),
            "results": [{"id": i, "name": n} for n, i in names_ids]}


def test_keyword_resolution_keeps_only_exact_names_ignoring_case(api, client):
    results = [("lesbian relationship", 9833), ("Lesbian", 264386), ("lesbian", 10768),
               ("lesbian nun", 272066)]
    api.get("/search/keyword", params={"query": "lesbian"}).mock(
        return_value=httpx.Response(200, json=keyword_page(results)))
    assert discovery.resolve_keyword(client, "lesbian") == [
        discovery.Keyword(10768, "lesbian"), discovery.Keyword(264386, "Lesbian")]


def test_keyword_resolution_pages_a_bounded_number_of_pages(api, client):
    def answer(request):
        page = int(request.url.params["page"])
        return httpx.Response(200, json=keyword_page([(f"gay thing {page}", page)], page, total_pages=9))

    route = api.get("/search/keyword").mock(side_effect=answer)
    assert discovery.resolve_keyword(client, "gay", max_pages=3) == []
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]


def test_several_names_resolve_to_one_id_list_without_repeats(api, client):
    answers = {"queer": [("queer", 250606), ("queer", 192761)], "lgbt": [("lgbt", 158718)],
               "lgbtq+": [("LGBTQ+", 296739), ("queer", 250606)], "nothing": []}
    api.get("/search/keyword").mock(side_effect=lambda request: httpx.Response(
        200, json=keyword_page(answers[request.url.params["query"]])))
    keywords = discovery.resolve_keywords(client, ["queer", "lgbt", "lgbtq+", "nothing", "queer"])
    assert [k.id for k in keywords] == [192761, 250606, 158718, 296739]
    filters = DiscoverFilters(with_keywords=tuple(k.id for k in keywords))
    assert filters.params("movie")["with_keywords"] == "192761|250606|158718|296739"


def test_keyword_resolution_is_answered_from_the_cache_the_second_time(api, client):
    route = api.get("/search/keyword").mock(return_value=httpx.Response(
        200, json=keyword_page([("transgender", 290527)])))
    first = discovery.resolve_keywords(client, ["transgender"])
    second = discovery.resolve_keywords(client, ["transgender"])
    assert first == second == [discovery.Keyword(290527, "transgender")]
    assert route.call_count == 1


# Maturity, hydration and over-fetching ---------------------------------------------------------


@pytest.mark.parametrize(("media_type", "rating", "cap", "allowed"), [
    ("movie", "PG", "PG-13", True),
    ("movie", "R", "PG-13", False),
    ("movie", "NC-17", None, True),
    ("movie", None, "R", False),  # unrated titles are left out under a cap
    ("movie", "TV-MA", "R", False),
    ("tv", "TV-14", "PG-13", True),  # a film-scale cap read on the series scale
    ("tv", "TV-MA", "PG-13", False),
    ("tv", "TV-MA", "TV-MA", True),
])
def test_maturity_check_compares_positions_on_the_us_scales(media_type, rating, cap, allowed):
    assert discovery.within_maturity(media_type, rating, cap) is allowed


def test_hydration_keeps_discover_order_and_skips_titles_tmdb_lost(api, client):
    details_route(api, {1: "PG", 3: "R", 4: "G"})
    found = discovery.hydrate(client, "movie", [4, 1, 2, 3], region="US", images=ImageConfig.default())
    assert [h.details.tmdb_id for h in found] == [4, 1, 3]
    assert [h.certification for h in found] == ["G", "PG", "R"]


def test_a_title_whose_retries_ran_out_gets_one_more_turn_after_the_crowd(api, client):
    unavailable = httpx.Response(503, json={"success": False, "status_code": 46,
                                            "status_message": "Maintenance."})
    api.get("/movie/5").mock(side_effect=[unavailable] * 4 + [httpx.Response(200, json=movie_payload(5))])
    details_route(api, {6: "PG"})
    found = discovery.hydrate(client, "movie", [5, 6], region="US", images=ImageConfig.default())
    assert [h.details.tmdb_id for h in found] == [5, 6]


def test_a_title_failing_its_second_turn_too_fails_the_hydration(api, client):
    unavailable = httpx.Response(503, json={"success": False, "status_code": 46,
                                            "status_message": "Maintenance."})
    api.get("/movie/5").mock(return_value=unavailable)
    with pytest.raises(TmdbUnavailableError):
        discovery.hydrate(client, "movie", [5], region="US", images=ImageConfig.default())


def test_hydration_asks_for_every_part_in_one_request_per_title(api, client):
    route = details_route(api, {7: "PG"})
    discovery.hydrate(client, "movie", [7], region="US", images=ImageConfig.default())
    assert route.calls.last.request.url.params["append_to_response"] == \
        "credits,external_ids,watch/providers,release_dates,keywords,translations"


def test_maturity_recheck_drops_titles_and_fetches_more_pages_to_fill(api, client):
    discover = api.get("/discover/movie").mock(side_effect=paged(
        {1: [1, 2, 3, 4], 2: [5, 6, 7], 3: [8, 9]}, total_pages=3))
    details_route(api, {1: "PG", 2: "R", 3: None, 4: "G", 5: "NC-17", 6: "PG-13", 7: "PG", 8: "G", 9: "G"},
                  adult=frozenset({7}))
    found = discovery.collect_titles(client, "movie", DiscoverFilters(max_certification="PG-13"), count=4,
                                     region="US", images=ImageConfig.default())
    assert [t.tmdb_id for t in found.titles] == [1, 4, 6, 8]
    assert found.dropped_for_maturity == 4  # R, unrated, NC-17 and the adult title
    assert discover.call_count == 3


def test_a_blocked_keyword_that_slips_through_discover_is_dropped_after_hydration(api, client):
    api.get("/discover/movie").mock(side_effect=paged({1: [1, 2]}))
    blocked = discovery.EXPLICIT_CONTENT_KEYWORD_IDS[0]

    def answer(request):
        tmdb_id = int(request.url.path.rsplit("/", 1)[1])
        payload = movie_payload(tmdb_id)
        payload["keywords"] = {"keywords": [{"id": blocked if tmdb_id == 1 else 1, "name": "a keyword"}]}
        return httpx.Response(200, json=payload)

    api.get(url__regex=r"https://tmdb\.test/3/movie/\d+\?").mock(side_effect=answer)
    found = discovery.collect_titles(client, "movie", DiscoverFilters(), count=2, region="US",
                                     images=ImageConfig.default(), max_extra_pages=0)
    assert [t.tmdb_id for t in found.titles] == [2]


def test_over_fetching_is_bounded(api, client):
    discover = api.get("/discover/movie").mock(side_effect=lambda request: httpx.Response(
        200, json=page_of([int(request.url.params["page"])], page=int(request.url.params["page"]),
                          total_pages=50)))
    details_route(api, {i: "R" for i in range(1, 51)})
    found = discovery.collect_titles(client, "movie", DiscoverFilters(max_certification="PG"), count=5,
                                     region="US", images=ImageConfig.default(), max_extra_pages=2)
    assert found.titles == []
    assert discover.call_count == 3  # one page for five titles, plus two extra


def test_hidden_titles_are_never_hydrated(api, client):
    api.get("/discover/movie").mock(side_effect=paged({1: [1, 2, 3]}))
    route = details_route(api, {1: "PG", 2: "PG", 3: "PG"})
    found = discovery.collect_titles(client, "movie", DiscoverFilters(), count=3, region="US",
                                     images=ImageConfig.default(), exclude_ids={2})
    assert [t.tmdb_id for t in found.titles] == [1, 3]
    assert {c.request.url.path for c in route.calls} == {"/3/movie/1", "/3/movie/3"}


# Random pick -----------------------------------------------------------------------------------


class RecordingRandom:
    """A stand-in random source: picks the configured page and result, remembers the ranges asked."""

    def __init__(self, page: int, index: int) -> None:
        self.page, self.index, self.asked = page, index, []

    def randint(self, low, high):
        self.asked.append((low, high))
        return self.page

    def choice(self, items):
        return items[self.index]


def test_random_pick_draws_a_page_within_500_then_a_result_then_its_details(api, client):
    discover = api.get("/discover/movie").mock(side_effect=paged({1: [1, 2], 321: [31, 32, 33]}, 9000))
    details = details_route(api, {32: "PG"})
    rng = RecordingRandom(page=321, index=1)
    pick = discovery.random_pick(client, "movie", DiscoverFilters(), region="US",
                                 images=ImageConfig.default(), rng=rng)
    assert rng.asked == [(1, 500)]
    assert [c.request.url.params["page"] for c in discover.calls] == ["1", "321"]
    assert pick.tmdb_id == 32 and pick.title == "Film 32"
    assert details.call_count == 1


def test_random_pick_reuses_the_first_page_when_it_draws_page_one(api, client):
    discover = api.get("/discover/movie").mock(side_effect=paged({1: [5, 6]}, 1))
    details_route(api, {5: "PG"})
    pick = discovery.random_pick(client, "movie", DiscoverFilters(), region="US",
                                 images=ImageConfig.default(), rng=RecordingRandom(page=1, index=0))
    assert pick.tmdb_id == 5
    assert discover.call_count == 1


def test_random_pick_of_nothing_is_none(api, client):
    api.get("/discover/movie").mock(return_value=httpx.Response(200, json=page_of([], total_pages=0)))
    assert discovery.random_pick(client, "movie", DiscoverFilters(), region="US",
                                 images=ImageConfig.default()) is None


# The default safety blocklist ------------------------------------------------------------------


def test_the_explicit_content_blocklist_comes_from_the_safety_group_and_spares_identities(shared_dir):
    keywords = json.loads((shared_dir / "demo-facts" / "keywords.json").read_text())
    groups: dict[str, set[int]] = {}
    for keyword in keywords:
        groups.setdefault(keyword["group"], set()).add(keyword["id"])
    blocklist = set(discovery.EXPLICIT_CONTENT_KEYWORD_IDS)
    assert blocklist <= groups["safety"]
    assert not blocklist & (groups["lgbtq"] | groups["lgbtq_explicit"] | groups["lgbtq_related"])


def test_the_certification_list_gives_every_countrys_ages(api, client, recorded_json):
    api.get("/certification/movie/list").mock(
        return_value=httpx.Response(200, json=recorded_json("certification_movie_list_2022-11-26.json")))
    ages = discovery.age_table(client, "movie")
    assert ages["GB"]["12A"] == 12 and ages["US"]["NR"] is None


def test_without_the_certification_list_ratings_are_read_from_their_names(api, client):
    failing = {"success": False, "status_code": 11, "status_message": "Internal error."}
    api.get("/certification/tv/list").mock(return_value=httpx.Response(500, json=failing))
    assert discovery.age_table(client, "tv") == {}
