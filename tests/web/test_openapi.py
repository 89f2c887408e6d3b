"""The OpenAPI document matches the API: schemathesis drives the app in-process and finds no breakage."""

from __future__ import annotations

import pytest
import schemathesis
from curator_support import create_curator, issue_token, make_tag, store_list
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from qwir.openapi import openapi_document


@pytest.fixture
def api_app(app):
    tag_id = make_tag(app, media_types=["movie", "tv"])
    store_list(app, tag_id, [{"title": "Carol", "certification": "R"}, {"title": "Pariah"}])
    create_curator(app)
    return app


@pytest.fixture
def bearer(api_app):
    return {"Authorization": f"Bearer {issue_token(api_app)}"}


@pytest.fixture
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)


OPERATIONS = [(method.upper(), path) for path, entries in openapi_document()["paths"].items()
              for method in entries if method != "parameters"]


def test_the_document_is_openapi_3_1_and_served_as_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"
    assert response.json == openapi_document()


def test_every_route_of_the_api_is_documented(app):
    documented = {path.replace("{", "<").replace("}", ">") for path in openapi_document()["paths"]}
    routes = {rule.rule.replace("<int:", "<") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint not in ("api.openapi", "api.docs")}
    assert routes == documented


# Each operation is driven through Hypothesis directly (schemathesis' lazy pytest loader does not
# run on this pytest); a few examples per operation keep the suite fast. Schema-valid input may still
# be refused with a 422 (an end date before the start date), so that one check is left out.
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_to_its_document(api_schema, bearer, method, path):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def call(case):
        # In-process WSGI calls are not decoded by a client, so ask for the identity encoding.
        headers = {**bearer, "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    call()
