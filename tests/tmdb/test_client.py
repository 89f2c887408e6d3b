"""TmdbClient over HTTP: what it sends, how it authenticates, how it maps answers, its lifecycle."""

from __future__ import annotations

import threading

import httpx
import pytest

from qwir.tmdb import (
    MOVIE_APPEND,
    TV_APPEND,
    TmdbAuthorizationError,
    TmdbClient,
    TmdbNotFoundError,
    TmdbValidationError,
)


def query_of(route) -> dict[str, str]:
    return dict(route.calls.last.request.url.params)


def test_v3_key_goes_in_the_query_string_and_no_authorization_header(make_client, tmdb_mock, v3_key):
    route = tmdb_mock.get("/configuration").respond(json={"images": {}})
    make_client(v3_key).configuration()
    request = route.calls.last.request
    assert request.url.params["api_key"] == v3_key
    assert "authorization" not in request.headers


def test_v4_token_goes_in_a_bearer_header_and_never_in_the_url(make_client, tmdb_mock, v4_token):
    route = tmdb_mock.get("/configuration").respond(json={"images": {}})
    client = make_client(v4_token)
    client.configuration()
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {v4_token}"
    assert "api_key" not in request.url.params
    assert client.uses_bearer_token


def test_a_missing_key_is_refused_before_anything_is_sent():
    with pytest.raises(TmdbAuthorizationError, match="No TMDb API key"):
        TmdbClient("  ")


def test_discover_sends_dotted_filters_drops_none_and_adds_language_and_page(make_client, tmdb_mock):
    route = tmdb_mock.get("/discover/movie").respond(json={"page": 1, "results": []})
    make_client(language="de-DE").discover_movies(
        **{"primary_release_date.gte": "2000-01-01", "vote_count.gte": 50, "region": None},
        with_keywords="264386|290527",
        include_adult=False,
        with_genres=[18, 10749],
    )
    assert query_of(route) == {
        "api_key": "f" * 32,
        "primary_release_date.gte": "2000-01-01",
        "vote_count.gte": "50",
        "with_keywords": "264386|290527",
        "include_adult": "false",
        "with_genres": "18,10749",
        "language": "de-DE",
        "page": "1",
    }


def test_discover_tv_passes_its_page_and_a_language_override(make_client, tmdb_mock):
    route = tmdb_mock.get("/discover/tv").respond(json={"page": 3, "results": []})
    make_client().discover_tv(page=3, language="en-GB", **{"first_air_date.lte": "2020-12-31"})
    sent = query_of(route)
    sent.pop("api_key")
    assert sent == {
        "page": "3",
        "language": "en-GB",
        "first_air_date.lte": "2020-12-31",
    }


@pytest.mark.parametrize(
    ("call", "path", "params"),
    [
        (lambda c: c.search_keywords(" gay ", page=2), "/search/keyword", {"query": "gay", "page": "2"}),
        (lambda c: c.keyword(264386), "/keyword/264386", {}),
        (lambda c: c.genres("tv"), "/genre/tv/list", {"language": "en-US"}),
        (
            lambda c: c.movie_details(550),
            "/movie/550",
            {"language": "en-US", "append_to_response": ",".join(MOVIE_APPEND)},
        ),
        (
            lambda c: c.tv_details(1399),
            "/tv/1399",
            {"language": "en-US", "append_to_response": ",".join(TV_APPEND)},
        ),
        (lambda c: c.movie_details(550, append=()), "/movie/550", {"language": "en-US"}),
    ],
)
def test_each_endpoint_sends_exactly_its_parameters(make_client, tmdb_mock, call, path, params):
    route = tmdb_mock.get(path).respond(json={"id": 1})
    assert call(make_client()) == {"id": 1}
    sent = query_of(route)
    assert sent.pop("api_key") == "f" * 32
    assert sent == params


def test_the_default_appends_are_the_ones_normalisation_reads():
    assert MOVIE_APPEND == ("credits", "external_ids", "watch/providers", "release_dates", "keywords",
                            "translations")
    assert TV_APPEND == ("aggregate_credits", "external_ids", "watch/providers", "content_ratings",
                         "keywords", "translations")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.discover_movies(page=0),
        lambda c: c.discover_movies(page=501),
        lambda c: c.discover_tv(page="two"),
        lambda c: c.search_keywords("trans", page=1.5),
        lambda c: c.search_keywords("   "),
        lambda c: c.movie_details(550, append=[f"part{n}" for n in range(21)]),
        lambda c: c.tv_details(-3),
        lambda c: c.movie_details("550; drop"),
        lambda c: c.genres("person"),
    ],
)
def test_cheap_mistakes_are_refused_without_a_request(make_client, tmdb_mock, call):
    client = make_client()
    with pytest.raises(TmdbValidationError):
        call(client)
    assert client.request_count == 0
    assert not tmdb_mock.calls


def test_page_500_is_still_allowed(make_client, tmdb_mock):
    route = tmdb_mock.get("/discover/movie").respond(json={"page": 500, "results": []})
    make_client().discover_movies(page=500)
    assert query_of(route)["page"] == "500"


def test_twenty_appended_parts_are_allowed(make_client, tmdb_mock):
    route = tmdb_mock.get("/movie/550").respond(json={"id": 550})
    make_client().movie_details(550, append=[f"part{n}" for n in range(20)])
    assert query_of(route)["append_to_response"].count(",") == 19


def test_error_answers_raise_the_matching_class_with_tmdb_code(make_client, tmdb_mock):
    tmdb_mock.get("/movie/9999999").respond(
        404, json={"success": False, "status_code": 34, "status_message": "The resource could not be found."}
    )
    with pytest.raises(TmdbNotFoundError) as raised:
        make_client().movie_details(9999999)
    assert raised.value.status == 404
    assert raised.value.tmdb_code == 34
    assert "/movie/9999999" in str(raised.value)


def test_request_count_counts_every_request_sent_across_threads(make_client):
    client = make_client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={})))

    def hammer() -> None:
        for _ in range(25):
            client.keyword(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.request_count == 200


def test_an_injected_transport_carries_every_request(make_client):
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"genres": []})

    client = make_client(transport=httpx.MockTransport(answer), base_url="https://sandbox.invalid/3")
    assert client.genres("movie") == {"genres": []}
    assert seen == ["/3/genre/movie/list"]


class ClosingTransport(httpx.MockTransport):
    def __init__(self) -> None:
        super().__init__(lambda request: httpx.Response(200, json={}))
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_the_context_manager_closes_the_connection_pool(make_client):
    transport = ClosingTransport()
    with make_client(transport=transport) as client:
        client.configuration()
        assert not transport.closed
    assert transport.closed


def test_one_connection_is_reused_for_consecutive_requests(make_client, loopback_tmdb):
    for _ in range(3):
        loopback_tmdb.reply(200, {"id": 550})
    client = make_client(base_url=loopback_tmdb.base_url)
    for _ in range(3):
        client.movie_details(550, append=())
    paths = [path for path, _ in loopback_tmdb.requests]
    ports = {port for _, port in loopback_tmdb.requests}
    assert all(path.startswith("/3/movie/550?") for path in paths)
    assert len(paths) == 3
    assert len(ports) == 1


def test_concurrent_requests_share_at_most_max_connections(make_client, loopback_tmdb):
    loopback_tmdb.delay = 0.05
    for _ in range(8):
        loopback_tmdb.reply(200, {"id": 1})
    client = make_client(base_url=loopback_tmdb.base_url, max_connections=2)
    threads = [threading.Thread(target=client.keyword, args=(1,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loopback_tmdb.requests) == 8
    assert len({port for _, port in loopback_tmdb.requests}) <= 2


def test_connect_timeout_is_separate_and_capped(make_client, tmdb_mock):
    route = tmdb_mock.get("/configuration").respond(json={})
    make_client(timeout=12.0, deadline=100.0).configuration()
    timeout = route.calls.last.request.extensions["timeout"]
    assert timeout["read"] == 12.0
    assert timeout["connect"] == 5.0


def test_repr_names_the_kind_of_credential_but_not_the_credential(make_client, v4_token):
    text = repr(make_client(v4_token))
    assert "bearer token" in text
    assert v4_token not in text


def test_the_connection_cap_is_public_for_callers_sizing_thread_pools(make_client):
    assert make_client(max_connections=6).max_connections == 6


def test_the_client_reads_the_sandbox_as_it_reads_tmdb():
    from qwir.tmdb.sandbox import SandboxTransport

    transport = SandboxTransport(api_key="sandbox", image_base_url="/sandbox/t/p/")
    with TmdbClient("sandbox", transport=transport, max_retries=0) as client:
        assert client.configuration()["images"]["secure_base_url"] == "/sandbox/t/p/"
        with pytest.raises(TmdbNotFoundError) as missing:
            client.movie_details(1)
    stranger = TmdbClient("not-the-sandbox-key", transport=transport, max_retries=0)
    with stranger, pytest.raises(TmdbAuthorizationError) as refused:
        stranger.configuration()
    assert (missing.value.status, missing.value.tmdb_code) == (404, 34)
    assert (refused.value.status, refused.value.tmdb_code) == (401, 7)
