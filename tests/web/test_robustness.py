"""No request, however odd, gets a 500: every route answers bad input with a clear 4xx.

The walk below fills each route's placeholders with unknown, huge, negative, non-numeric,
unicode and overlong values, feeds every query parameter and form field a view reads with
garbage, and sends the API malformed bodies, both anonymously and as a signed-in curator.
"""

from __future__ import annotations

import itertools
import re
from typing import ClassVar

import pytest
from curator_support import create_curator, failing_tmdb_client, issue_token, sign_in
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from qwir import tasks
from qwir.curation import TAG_FIELDS
from qwir.errors import handle_unexpected_error
from qwir.extensions import db
from qwir.models import IdentityTag

HUGE = str(10**30)
LONG = "x" * 10_000
# Values no view should trust: empty, signs, overflows (past SQLite's 64 bits, past int()'s 4300
# digits), digits that are not ASCII (isdigit() is true, int() refuses or reads them), unicode,
# overlong text, a lone percent sign and a NUL byte.
GARBAGE = ["", "-1", "0", HUGE, "9" * 5000, "abc", "²", "١٢", "ünï✨码", LONG, "%", "\x00", "1e3", " 7 "]
# The nastiest of them, also given to one parameter at a time so that no check hides another.
ONE_AT_A_TIME = ["²", HUGE, "abc"]
QUERY_PARAMS = [
    "page", "sort", "media", "genre", "decade", "exclude", "saved", "limit", "max_certification",
    "language", "services", "min_votes",
    "avoid", "media_type", "tag", "status", "keyword_names", "next",
    "url", "format", "maxwidth", "maxheight", "lang", "v", "q",
]
FORM_FIELDS = [
    *TAG_FIELDS, "position", "label", "media_type", "email", "password", "max_maturity", "avoid",
    "discreet",
]
# Placeholder values: the first of each exists in the seeded catalog, the others do not or cannot.
ODD_SLUGS = ["no-such-slug", f"queer-spotlight-{HUGE}", "queer-spotlight-0", "trans-spotlight-2",
             "ünïcødé-✨", LONG, "-1", " "]
TAG_SLUGS = ["queer", "queer-spotlight-1", *ODD_SLUGS]
LIST_SLUGS = ["queer-spotlight-1", "queer-series-spotlight-1", "queer", *ODD_SLUGS]
PATH_VALUES = {
    "media_type": ["movie", "tv", "book", LONG],
    "int": ["1", "0", "999999", str(2**31), str(2**63), HUGE],
    "size": ["w342", "original", "w99999999999999999999", LONG],
    "file_name": ["poster-1.svg", "nothing.png", "..%2F..%2Fetc%2Fpasswd", LONG],
    "filename": ["htmx.min.js", "no-such-file.js", LONG],
}
LIST_ROUTES = re.compile(r"/(lists|carousel|random|spotlights)/<slug>")
# Blueprints (and Flask's static route) whose routes the walk visits.
AREAS = ["pages", "catalog", "fragments", "health", "auth", "admin", "api", "sandbox_images", "sharing",
         "static"]
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# The areas with the most routes are walked in parts, so that parallel test workers share them out.
PARTS = {"admin": 4, "pages": 2, "sharing": 2, "api": 2}
WALKS = [pytest.param(area, part, id=f"{area}-{part + 1}" if PARTS.get(area, 1) > 1 else area)
         for area in AREAS for part in range(PARTS.get(area, 1))]


def _values_for(rule: str, converter: str | None, name: str) -> list[str]:
    if converter == "any":
        return ["movie", "tv"]
    if converter == "int":
        return PATH_VALUES["int"]
    if name == "slug":
        return LIST_SLUGS if LIST_ROUTES.search(rule) else TAG_SLUGS
    return PATH_VALUES[name]


def _fill(rule: str, slots: list[tuple[str, list[str]]], values) -> str:
    for (text, _), value in zip(slots, values, strict=True):
        rule = rule.replace(text, value, 1)
    return rule


def urls_for(rule) -> list[str]:
    """The rule with each placeholder varied in turn while the others keep a value that exists;
    the first URL is the one where every value exists."""
    slots = [(m.group(0), _values_for(rule.rule, m.group(1), m.group(2)))
             for m in PLACEHOLDER.finditer(rule.rule)]
    first = _fill(rule.rule, slots, [values[0] for _, values in slots])
    urls = set()
    for varied, _ in slots:
        choices = [values if text == varied else values[:1] for text, values in slots]
        urls.update(_fill(rule.rule, slots, combination) for combination in itertools.product(*choices))
    return [first, *sorted(urls - {first})]


def garbage_queries(read: set[str]) -> list:
    """Garbage in every parameter at once, then in each parameter the view reads, one at a time."""
    every_param = [dict.fromkeys(QUERY_PARAMS, value) for value in GARBAGE]
    one_param = [{name: value} for name in QUERY_PARAMS if name in read for value in ONE_AT_A_TIME]
    repeated = MultiDict([(name, value) for name in QUERY_PARAMS for value in ("1", "abc", HUGE)])
    return [*every_param, *one_param, repeated]


def garbage_forms(read: set[str]) -> list:
    """Fewer than the queries: posts are slower (some queue syncs) and forms read fewer fields."""
    values = ("", HUGE, "9" * 5000, "²", "ünï✨码", LONG, "\x00")
    every_field = [dict.fromkeys(FORM_FIELDS, value) for value in values]
    one_field = [{name: "²"} for name in FORM_FIELDS if name in read]
    repeated = MultiDict([(name, value) for name in FORM_FIELDS for value in ("on", "abc", HUGE)])
    return [*every_field, *one_field, repeated]


class ReadingRecorder(ImmutableMultiDict):
    """Query strings and forms that note every name a view asks for, present or not.

    A probe without parameters tells which names the view reads when the others are absent, which
    is exactly when a one-at-a-time value could reach a check the all-at-once garbage hides.
    """

    names_read: ClassVar[set[str]] = set()

    def __getitem__(self, key):
        ReadingRecorder.names_read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        ReadingRecorder.names_read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        ReadingRecorder.names_read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        ReadingRecorder.names_read.add(key)
        return super().__contains__(key)




def garbage_bodies() -> list[dict]:
    """Request bodies for the JSON API: malformed, of the wrong type, or under the wrong content type."""
    odd_values = itertools.cycle([None, 10**30, -1, 1.5, [], {}, True, LONG, ["a", 1], "²"])
    weird_types = {name: value for name, value in zip(TAG_FIELDS, odd_values, strict=False)}
    return [
        {"data": "{not json", "content_type": "application/json"},
        {"data": b"\xff\xfe\x00", "content_type": "application/json"},
        {"data": "[1, 2]", "content_type": "application/json"},
        {"data": '"a string"', "content_type": "application/json"},
        {"data": "null", "content_type": "application/json"},
        {"data": '{"list_size": 1e400, "feature_position": NaN}', "content_type": "application/json"},
        {"data": "slug=x&name=y", "content_type": "application/x-www-form-urlencoded"},
        {"data": "plain words", "content_type": "text/plain"},
        {"json": weird_types},
        {"json": {"slug": 5, "media_type": ["movie"], "name": {"a": 1}}},
        {"json": {"slug": "new-tag", "name": "New", "keyword_names": ["lgbt"], "media_type": "book"}},
        {"json": {"media_type": 10**30}},
        {"json": {"unknown": "field", "slug": "ünïcødé"}},
        {},
    ]


class Walker:
    """Sends requests and remembers every answer that broke the promise, to report them all at once."""

    def __init__(self, app, client, headers: dict | None = None):
        self.client, self.headers, self.failures = client, headers or {}, []
        self.errors = app.extensions["unexpected_errors"]

    def send(self, method: str, url: str, **options) -> None:
        headers = {**self.headers, **options.pop("headers", {})}
        response = self.client.open(url, method=method, headers=headers, **options)
        where = f"{method} {url[:80]} {str(options)[:100]}"
        if response.status_code >= 500 and not self._expected_unavailable(url, response):
            cause = self.errors[-1] if self.errors else ""
            self.failures.append(f"{response.status_code} {where} {cause}")
        elif self._must_be_problem(method, url, response) and response.mimetype != "application/problem+json":
            self.failures.append(f"{response.status_code} not a problem document: {where}")

    @staticmethod
    def _expected_unavailable(url: str, response) -> bool:
        """A 503 with Retry-After is the honest answer for a list whose first sync has not finished;
        501 is what the oEmbed spec asks for a format other than JSON."""
        if response.status_code == 501 and url.startswith("/oembed"):
            return True
        return response.status_code == 503 and "Retry-After" in response.headers and url.startswith("/api/")

    @staticmethod
    def _must_be_problem(method: str, url: str, response) -> bool:
        return url.startswith("/api/") and response.status_code >= 400 and method != "HEAD"

    def walk(self, rule) -> None:
        methods = [*sorted(rule.methods), "DELETE", "PUT"]
        urls = urls_for(rule)
        for url in urls:
            for method in methods:
                self.send(method, url)
            if "GET" in rule.methods:
                self.send("GET", url, headers={"HX-Request": "true"})
        self._send_garbage(rule, urls[0])

    def _names_read(self, method: str, url: str, **options) -> set[str]:
        ReadingRecorder.names_read = set()
        self.send(method, url, **options)
        return ReadingRecorder.names_read

    def _send_garbage(self, rule, url: str) -> None:
        if "GET" in rule.methods:
            for query in garbage_queries(self._names_read("GET", url)):
                self.send("GET", url, query_string=query)
            self.send("GET", url, query_string=garbage_queries(set())[0], headers={"HX-Request": "true"})
        for method in sorted(rule.methods & {"POST", "PATCH"}):
            for form in garbage_forms(self._names_read(method, url, data={})):
                self.send(method, url, data=form)
            if url.startswith("/api/"):
                for body in garbage_bodies():
                    self.send(method, url, **body)


@pytest.fixture(autouse=True)
def quick_syncs(monkeypatch):
    """Syncs the walk sets off fail at once instead of generating lists over the sandbox."""
    monkeypatch.setattr(tasks, "build_tmdb_client", failing_tmdb_client)


@pytest.fixture
def walked_app(app, catalog):
    """The seeded app with a curator; unexpected errors are noted so a failure names its cause."""
    errors = app.extensions["unexpected_errors"] = []

    def note_and_answer(error: Exception):
        errors.append(f"{type(error).__name__}: {str(error)[:120]}")
        return handle_unexpected_error(error)

    app.register_error_handler(Exception, note_and_answer)
    app.request_class = type("RecordingRequest", (app.request_class,),
                             {"parameter_storage_class": ReadingRecorder})
    create_curator(app)
    return app


def _rules(app, area: str, part: int = 0) -> list:
    """Every `PARTS[area]`-th route of the area, from the `part`-th on."""
    rules = sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] == area),
                   key=lambda rule: (rule.rule, rule.endpoint))
    return rules[part::PARTS.get(area, 1)]


def test_the_walk_covers_every_route(app):
    assert {rule.endpoint.partition(".")[0] for rule in app.url_map.iter_rules()} == set(AREAS)


@pytest.mark.parametrize(("area", "part"), WALKS)
def test_anonymous_odd_requests_never_get_a_500(walked_app, area, part):
    walker = Walker(walked_app, walked_app.test_client())
    for rule in _rules(walked_app, area, part):
        walker.walk(rule)
    assert not walker.failures, "\n".join(walker.failures[:20])


@pytest.mark.parametrize(("area", "part"), WALKS)
def test_curator_odd_requests_never_get_a_500(walked_app, area, part):
    client = sign_in(walked_app.test_client())
    walker = Walker(walked_app, client, {"Authorization": f"Bearer {issue_token(walked_app)}"})
    for rule in _rules(walked_app, area, part):
        walker.walk(rule)
    assert not walker.failures, "\n".join(walker.failures[:20])


def curator_request(app, method: str, url: str, **options):
    client = sign_in(app.test_client())
    headers = {"Authorization": f"Bearer {issue_token(app)}", **options.pop("headers", {})}
    return client.open(url, method=method, headers=headers, **options)


# ---------------------------------------------------------------- ids too large for the database


@pytest.mark.parametrize("big", [str(2**31), str(2**63), HUGE])
def test_a_title_id_too_large_for_the_database_is_a_404(client, catalog, big):
    response = client.get(f"/titles/movie/{big}")
    assert response.status_code == 404
    assert "We could not find that" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/fragments/carousel/{}", "/fragments/random/{}", "/api/v1/lists/{}"])
def test_a_spotlight_slug_naming_an_impossible_tag_id_is_a_404(client, catalog, url):
    assert client.get(url.format(f"queer-spotlight-{HUGE}")).status_code == 404


@pytest.mark.parametrize("method, url", [
    ("GET", "/admin/syncs/{}"),
    ("POST", "/admin/lists/queer-spotlight-1/items/{}/pin"),
    ("POST", "/admin/lists/queer-spotlight-1/items/{}/hide"),
    ("POST", "/admin/lists/queer-spotlight-1/items/{}/clear"),
    ("POST", "/admin/tokens/{}/revoke"),
    ("GET", "/api/v1/syncs/{}"),
])
def test_curator_urls_with_an_id_too_large_for_the_database_are_a_404(walked_app, method, url):
    response = curator_request(walked_app, method, url.format(HUGE))
    assert response.status_code == 404


# ---------------------------------------------------------------- numbers that are digits only to isdigit()


@pytest.mark.parametrize("query", [{"page": "²"}, {"genre": "³"}, {"decade": "¹⁹⁹⁰"}, {"page": "9" * 5000}])
def test_planet_numbers_in_other_scripts_or_too_long_are_a_bad_query(client, catalog, query):
    response = client.get("/planets/queer", query_string=query)
    assert response.status_code == 400
    assert "must be a whole number" in response.get_data(as_text=True)


@pytest.mark.parametrize("exclude", ["²", "١٢", HUGE])
def test_random_pick_refuses_an_exclude_that_is_not_a_plain_id(client, catalog, exclude):
    response = client.get("/fragments/random/queer-spotlight-1", query_string={"exclude": exclude})
    assert response.status_code == 400


def test_api_limit_in_superscript_digits_is_a_problem(client, catalog):
    response = client.get("/api/v1/lists/queer-spotlight-1?limit=²")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "limit must be a whole number" in response.get_json()["detail"]


@pytest.mark.parametrize("page", ["²", HUGE])
def test_an_audit_log_page_that_is_no_plain_number_shows_a_page(walked_app, page):
    response = curator_request(walked_app, "GET", "/admin/audits", query_string={"page": page})
    assert response.status_code == 200


def test_a_pin_position_in_superscript_digits_asks_again(walked_app):
    response = curator_request(walked_app, "POST", "/admin/lists/queer-spotlight-1/items/1/pin",
                               data={"position": "²"})
    assert response.status_code == 422
    assert "a position from 1 to 16" in response.get_data(as_text=True)


def test_a_tag_form_number_in_superscript_digits_is_a_field_error(walked_app):
    form = {"name": "Bi", "slug": "bi", "keyword_names": "bisexuality", "media_types": "movie",
            "list_size": "²", "feature_position": "3"}
    response = curator_request(walked_app, "POST", "/admin/tags", data=form)
    assert response.status_code == 422
    assert "Give a whole number from 1 to 100." in response.get_data(as_text=True)


# ---------------------------------------------------------------- unexpected errors


@pytest.fixture
def broken_app(app):
    """An app with two failing routes: one halfway through a write, one whose message holds the secret key."""
    transaction_left_open = app.extensions["transaction_left_open"] = []

    @app.get("/broken/write")
    def broken_write():
        db.session.add_all([IdentityTag(slug="twice", name="One"), IdentityTag(slug="twice", name="Two")])
        db.session.flush()

    @app.get("/broken/secret")
    def broken_secret():
        raise RuntimeError(f"could not sign with {app.config['SECRET_KEY']}")

    @app.teardown_request
    def note_transaction(error):
        transaction_left_open.append(db.session().in_transaction())

    return app


def test_an_unexpected_error_is_a_500_page_that_shows_nothing_of_it(broken_app, caplog):
    response = broken_app.test_client().get("/broken/secret")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in body
    assert "test-secret-key" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "RuntimeError" in caplog.text and "test-secret-key" not in caplog.text


def test_an_unexpected_error_rolls_the_half_done_write_back(broken_app):
    response = broken_app.test_client().get("/broken/write")
    assert response.status_code == 500
    assert broken_app.extensions["transaction_left_open"] == [False]
    with broken_app.app_context():
        assert db.session.scalar(select(func.count(IdentityTag.id))) == 0


def test_an_unexpected_error_under_api_is_a_bare_problem(broken_app):
    broken_app.add_url_rule("/api/v1/broken", view_func=broken_app.view_functions["broken_secret"])
    response = broken_app.test_client().get("/api/v1/broken")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                                   "detail": response.get_json()["detail"]}
    assert "test-secret-key" not in response.get_data(as_text=True)


def test_an_unexpected_error_for_htmx_is_a_fragment(broken_app):
    response = broken_app.test_client().get("/broken/secret", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and 'id="error"' in body and "<html" not in body


@pytest.mark.parametrize("method, url", [
    ("GET", "/titles/movie/999999"),
    ("GET", "/fragments/random/nowhere-spotlight-7"),
    ("GET", "/fragments/planets/nowhere/more"),
    ("GET", "/admin/tags/nowhere/lists/movie"),
    ("GET", "/admin/syncs/999999"),
    ("POST", "/admin/lists/nowhere-spotlight-1/items/1/hide"),
])
def test_htmx_asking_for_something_missing_gets_a_fragment_sized_404(walked_app, method, url):
    response = curator_request(walked_app, method, url, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'id="error"' in body and "<html" not in body and "<nav" not in body
