"""The OpenAPI 3.1 document of the REST API, generated from the models in qwir/api_models.py.

Schemas come from the request and response models themselves; this module only says which
operation takes and answers which model. Served at /api/v1/openapi.json (and readable at
/api/v1/docs), checked against the running API by schemathesis.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import models_json_schema

from qwir import api_models
from qwir.content_notes import CONTENT_NOTES
from qwir.preferences import MATURITY_CAPS

REF = "#/components/schemas/{model}"
# Redoc draws with styles it injects at run time and searches in a worker it builds from a blob.
API_DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _ref(model) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model, description: str, headers: dict | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": _ref(model)}}}
    if headers:
        response["headers"] = headers
    return response


def _problem(description: str, headers: dict | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/problem+json": {"schema": _ref(api_models.Problem)}}}
    if headers:
        response["headers"] = headers
    return response


def _body(model, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(model)}}}


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


LOCATION = {"Location": _header("Where to find the resource.")}
RETRY_AFTER = {"Retry-After": _header("Seconds to wait before asking again.")}
UNAUTHORIZED = _problem("No bearer token, or one that is unknown or revoked.",
                        {"WWW-Authenticate": _header("The Bearer scheme.")})
FORBIDDEN = _problem("The token's curator account is disabled.")
THROTTLED = _problem("Too many bad tokens from this address.", RETRY_AFTER)
BAD_REQUEST = _problem("The request is malformed (a query parameter or a body that is not a JSON object).")
NOT_FOUND = _problem("No such tag, list or sync.")
INVALID = _problem("Some fields are not valid; `errors` maps each field to what is wrong. Nothing was saved.")
NOT_READY = _problem("Nothing stored yet and TMDb could not provide it yet; try again after Retry-After.",
                     RETRY_AFTER)
CURATOR = {"401": UNAUTHORIZED, "403": FORBIDDEN, "429": THROTTLED}
BEARER = [{"bearer": []}]

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True,
                  "schema": {"type": "string", "pattern": api_models.SLUG_PATTERN, "maxLength": 64}}
FILTER_PARAMETERS = [
    {"name": "max_certification", "in": "query", "required": False,
     "description": "Only titles rated at most this (US scale; TV ratings map to the same rungs).",
     "schema": {"type": "string", "enum": [cap.slug.upper() for cap in MATURITY_CAPS]}},
    {"name": "avoid", "in": "query", "required": False, "explode": True, "style": "form",
     "description": "Content notes to keep out; repeat the parameter for several.",
     "schema": {"type": "array", "items": {"type": "string", "enum": [n.slug for n in CONTENT_NOTES]}}},
]


def _paths() -> dict[str, Any]:
    m = api_models
    return {
        "/api/v1/tags": {
            "get": {"operationId": "listTags", "summary": "Every identity tag",
                    "responses": {"200": _json(m.TagList, "The tags, in feed order.")}},
            "post": {"operationId": "createTag", "summary": "Create an identity tag", "security": BEARER,
                     "requestBody": _body(m.NewTag),
                     "responses": {"201": _json(m.Tag, "Created.", LOCATION), "400": BAD_REQUEST, **CURATOR,
                                   "409": _problem("A tag with this slug exists; Location names it.",
                                                   LOCATION),
                                   "422": INVALID}},
        },
        "/api/v1/tags/{slug}": {
            "parameters": [SLUG_PARAMETER],
            "get": {"operationId": "getTag", "summary": "One identity tag",
                    "responses": {"200": _json(m.Tag, "The tag."), "404": NOT_FOUND}},
            "patch": {"operationId": "updateTag", "summary": "Change some of a tag's fields, all or nothing",
                      "security": BEARER, "requestBody": _body(m.TagChanges),
                      "responses": {"200": _json(m.Tag, "The updated tag."), "400": BAD_REQUEST, **CURATOR,
                                    "404": NOT_FOUND, "422": INVALID}},
        },
        "/api/v1/tags/{slug}/health": {
            "parameters": [SLUG_PARAMETER],
            "get": {"operationId": "getTagHealth", "security": BEARER,
                    "summary": "Keyword resolution, size, overlap, excluded titles, data age; warnings",
                    "responses": {"200": _json(m.SpotlightHealth, "The tag's spotlight health."), **CURATOR,
                                  "404": NOT_FOUND}},
        },
        "/api/v1/tags/{slug}/random": {
            "parameters": [SLUG_PARAMETER],
            "get": {"operationId": "randomPick", "summary": "A random title from a tag's spotlight",
                    "parameters": [{"name": "media_type", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["movie", "tv"]}},
                                   *FILTER_PARAMETERS],
                    "responses": {"200": _json(m.RandomPick, "One title."), "400": BAD_REQUEST,
                                  "404": _problem("No such tag or list, no title passes the filters, or the "
                                                  "tag's keyword names match nothing on TMDb."),
                                  "503": NOT_READY}},
        },
        "/api/v1/tags/{slug}/sync": {
            "parameters": [SLUG_PARAMETER],
            "post": {"operationId": "startSync", "summary": "Queue a regeneration of a tag's list",
                     "security": BEARER, "requestBody": _body(m.SyncRequest, required=False),
                     "responses": {"202": _json(m.Sync, "Queued (or finished when jobs run in-process).",
                                                LOCATION),
                                   "400": BAD_REQUEST, **CURATOR, "404": NOT_FOUND,
                                   "409": _problem("A sync of this list is already running; `audit_id` "
                                                   "names it.", LOCATION),
                                   "422": INVALID}},
        },
        "/api/v1/syncs/{audit_id}": {
            "parameters": [{"name": "audit_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": api_models.MAX_ROW_ID}}],
            "get": {"operationId": "getSync", "summary": "The state of one sync", "security": BEARER,
                    "responses": {"200": _json(m.Sync, "The sync."), **CURATOR, "404": NOT_FOUND}},
        },
        "/api/v1/titles/{media_type}/{tmdb_id}/notes": {
            "parameters": [{"name": "media_type", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["movie", "tv"]}},
                           {"name": "tmdb_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": api_models.MAX_ROW_ID}}],
            "get": {"operationId": "getTitleNotes", "summary": "A title's content notes",
                    "responses": {"200": _json(m.TitleNotes, "The notes."), "404": NOT_FOUND}},
            "put": {"operationId": "setTitleNotes", "security": BEARER,
                    "summary": "Replace the curators' content notes on a title (audited)",
                    "requestBody": _body(m.TitleNotesChange),
                    "responses": {"200": _json(m.TitleNotes, "The title's notes now."), "400": BAD_REQUEST,
                                  **CURATOR, "404": NOT_FOUND, "422": INVALID}},
        },
        "/api/v1/lists/{slug}": {
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": "getList", "summary": "A spotlight list's titles, within the filters",
                    "parameters": [*FILTER_PARAMETERS,
                                   {"name": "limit", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
                    "responses": {"200": _json(m.SpotlightList, "The list."), "400": BAD_REQUEST,
                                  "404": _problem("No such list, or its tag's keyword names match nothing "
                                                  "on TMDb."),
                                  "503": NOT_READY}},
        },
    }


def _schemas() -> dict[str, Any]:
    entries = [(model, "validation") for model in api_models.REQUEST_MODELS]
    entries += [(model, "serialization") for model in api_models.RESPONSE_MODELS]
    _, document = models_json_schema(entries, ref_template=REF)
    return document["$defs"]


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The whole document, as served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Qwir API",
            "version": "1.1.0",
            "description": "Curated LGBTQ+ spotlights from TMDb: public reads, curator writes with bearer "
                           "tokens. Errors are RFC 9457 problem documents.",
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A curator token from the admin page."}},
        },
    }
