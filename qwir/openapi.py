"""The OpenAPI 3.1 document of the REST API, served at /api/v1/openapi.json and checked by schemathesis."""

from __future__ import annotations

from typing import Any

from qwir.content_notes import CONTENT_NOTES
from qwir.curation import CERTIFICATIONS, MAX_KEYWORD_NAMES, MAX_LIST_SIZE
from qwir.preferences import MATURITY_CAPS

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 64}
LIST_SLUG = {"type": "string", "pattern": "^[a-z0-9-]+-(series-)?spotlight-[0-9]+$", "maxLength": 120}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
MEDIA_TYPE = {"type": "string", "enum": ["movie", "tv"]}
CAP_NAMES = [cap.slug.upper() for cap in MATURITY_CAPS]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, headers: dict | None = None) -> dict[str, Any]:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _problem(description: str, headers: dict | None = None) -> dict[str, Any]:
    content = {"application/problem+json": {"schema": _ref("Problem")}}
    response = {"description": description, "content": content}
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, schema: dict | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


LOCATION = {"Location": _header("Where to find the resource.")}
RETRY_AFTER = {"Retry-After": _header("Seconds to wait before asking again.")}
UNAUTHORIZED = _problem("No bearer token, or one that is unknown or revoked.",
                        {"WWW-Authenticate": _header("The Bearer scheme.")})
FORBIDDEN = _problem("The token's curator account is disabled.")
THROTTLED = _problem("Too many bad tokens from this address.", RETRY_AFTER)
BAD_REQUEST = _problem("The request is malformed (a query parameter or a body that is not a JSON object).")
NOT_FOUND = _problem("No such tag, list or sync.")
INVALID = _problem("Some fields are not valid; `errors` maps each field to what is wrong. Nothing was saved.")
CURATOR_ERRORS = {"401": UNAUTHORIZED, "403": FORBIDDEN, "429": THROTTLED}

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": SLUG}
FILTER_PARAMETERS = [
    {"name": "max_certification", "in": "query", "required": False,
     "description": "Only titles rated at most this (US scale; TV ratings map to the same rungs).",
     "schema": {"type": "string", "enum": CAP_NAMES}},
    {"name": "avoid", "in": "query", "required": False, "explode": True, "style": "form",
     "description": "Topics to keep out; repeat the parameter for several.",
     "schema": {"type": "array", "items": {"type": "string", "enum": [t.slug for t in CONTENT_NOTES]}}},
]
NOTE_SLUG = {"type": "string", "enum": [note.slug for note in CONTENT_NOTES]}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "An RFC 9457 problem document.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            "audit_id": {"type": "integer"},
        },
    },
    "ListLink": {
        "type": "object",
        "required": ["slug", "media_type", "url"],
        "properties": {"slug": LIST_SLUG, "media_type": MEDIA_TYPE, "url": {"type": "string"}},
        "additionalProperties": False,
    },
    "Tag": {
        "type": "object",
        "required": ["slug", "name", "description", "keyword_names", "keyword_ids", "media_types", "language",
                     "include_adult", "date_from", "date_to", "max_certification", "list_size", "featured",
                     "feature_position", "theme", "lists"],
        "properties": {
            "slug": SLUG,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "keyword_names": {"type": "array", "items": {"type": "string"}},
            "keyword_ids": {"type": "array", "items": {"type": "integer"}},
            "media_types": {"type": "array", "items": MEDIA_TYPE},
            "language": NULLABLE_STRING,
            "include_adult": {"type": "boolean"},
            "date_from": DATE_OR_NULL,
            "date_to": DATE_OR_NULL,
            "max_certification": NULLABLE_STRING,
            "list_size": {"type": "integer"},
            "featured": {"type": "boolean"},
            "feature_position": {"type": "integer"},
            "theme": {"type": "string"},
            "lists": {"type": "array", "items": _ref("ListLink")},
        },
        "additionalProperties": False,
    },
    "TagChanges": {
        "type": "object",
        "description": "Tag fields a curator may set; on update, only those given change.",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 120},
            "description": {"type": "string", "maxLength": 2000},
            "keyword_names": {"type": "array", "minItems": 1, "maxItems": MAX_KEYWORD_NAMES,
                              "items": {"type": "string", "minLength": 1, "maxLength": 100}},
            "media_types": {"type": "array", "minItems": 1, "items": MEDIA_TYPE},
            "language": {"type": ["string", "null"], "pattern": "^[a-z]{2}$"},
            "include_adult": {"type": "boolean"},
            "date_from": DATE_OR_NULL,
            "date_to": DATE_OR_NULL,
            "max_certification": {"type": ["string", "null"], "enum": [*CERTIFICATIONS, None]},
            "list_size": {"type": "integer", "minimum": 1, "maximum": MAX_LIST_SIZE},
            "featured": {"type": "boolean"},
            "feature_position": {"type": "integer", "minimum": 0, "maximum": 10000},
            "theme": {"type": "string", "pattern": "^[a-z0-9-]{1,32}$"},
        },
        "additionalProperties": False,
    },
    "Title": {
        "type": "object",
        "required": ["media_type", "tmdb_id", "title", "tmdb_url"],
        "properties": {
            "media_type": MEDIA_TYPE,
            "tmdb_id": {"type": "integer"},
            "title": {"type": "string"},
            "original_title": NULLABLE_STRING,
            "year": NULLABLE_INTEGER,
            "release_date": DATE_OR_NULL,
            "runtime": NULLABLE_INTEGER,
            "genres": {"type": "array", "items": {"type": "string"}},
            "certification": NULLABLE_STRING,
            "overview": {"type": "string"},
            "poster_url": NULLABLE_STRING,
            "directors": {"type": "array", "items": {"type": "string"}},
            "cast": {"type": "array", "items": {"type": "string"}},
            "imdb_id": NULLABLE_STRING,
            "vote_average": {"type": ["number", "null"]},
            "vote_count": NULLABLE_INTEGER,
            "tmdb_url": {"type": "string"},
            "content_notes": {"type": "array", "items": NOTE_SLUG},
        },
    },
    "TitleNotes": {
        "type": "object",
        "required": ["media_type", "tmdb_id", "content_notes", "curated", "text", "updated_at"],
        "properties": {
            "media_type": MEDIA_TYPE,
            "tmdb_id": {"type": "integer"},
            "content_notes": {"type": "array", "items": NOTE_SLUG,
                              "description": "Every note the title carries, curators' and keywords'."},
            "curated": {"type": "array", "items": NOTE_SLUG},
            "text": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "TitleNotesChange": {
        "type": "object",
        "required": ["notes"],
        "properties": {
            "notes": {"type": "array", "items": NOTE_SLUG},
            "text": {"type": "string", "maxLength": 280},
        },
    },
    "SpotlightList": {
        "type": "object",
        "required": ["slug", "title", "tag", "media_type", "generated_at", "filtered_out", "items"],
        "properties": {
            "slug": LIST_SLUG,
            "title": {"type": "string"},
            "tag": SLUG,
            "media_type": MEDIA_TYPE,
            "generated_at": DATETIME_OR_NULL,
            "filtered_out": {"type": "integer", "minimum": 0,
                             "description": "How many stored titles the filters kept out."},
            "items": {"type": "array", "items": _ref("Title")},
        },
    },
    "RandomPick": {
        "type": "object",
        "required": ["tag", "list", "item"],
        "properties": {"tag": SLUG, "list": LIST_SLUG, "item": _ref("Title")},
    },
    "Sync": {
        "type": "object",
        "required": ["id", "tag", "media_type", "trigger", "status", "started_at", "finished_at",
                     "requested_count", "stored_count", "tmdb_requests", "duration_ms", "error_class",
                     "error_message", "url"],
        "properties": {
            "id": {"type": "integer"},
            "tag": {"type": ["string", "null"]},
            "media_type": MEDIA_TYPE,
            "trigger": {"type": "string"},
            "status": {"type": "string", "enum": ["running", "succeeded", "failed"]},
            "started_at": {"type": "string", "format": "date-time"},
            "finished_at": DATETIME_OR_NULL,
            "requested_count": {"type": "integer"},
            "stored_count": {"type": "integer"},
            "tmdb_requests": {"type": "integer"},
            "duration_ms": NULLABLE_INTEGER,
            "error_class": NULLABLE_STRING,
            "error_message": {"type": ["string", "null"], "description": "Redacted: never holds a secret."},
            "url": {"type": "string"},
        },
    },
}

SCHEMAS["NewTag"] = {
    **SCHEMAS["TagChanges"],
    "description": "A new tag: a slug, a name and keyword names; the other fields take their defaults.",
    "required": ["slug", "name", "keyword_names"],
    "properties": {"slug": SLUG, **SCHEMAS["TagChanges"]["properties"]},
}

PATHS: dict[str, Any] = {
    "/api/v1/tags": {
        "get": {
            "operationId": "listTags",
            "summary": "Every identity tag",
            "responses": {"200": _json({"type": "object", "required": ["tags"],
                                        "properties": {"tags": {"type": "array", "items": _ref("Tag")}}},
                                       "The tags, in feed order.")},
        },
        "post": {
            "operationId": "createTag",
            "summary": "Create an identity tag",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewTag")}}},
            "responses": {"201": _json(_ref("Tag"), "Created.", LOCATION), "400": BAD_REQUEST,
                          **CURATOR_ERRORS,
                          "409": _problem("A tag with this slug exists; Location names it.", LOCATION),
                          "422": INVALID},
        },
    },
    "/api/v1/tags/{slug}": {
        "parameters": [SLUG_PARAMETER],
        "get": {
            "operationId": "getTag",
            "summary": "One identity tag",
            "responses": {"200": _json(_ref("Tag"), "The tag."), "404": NOT_FOUND},
        },
        "patch": {
            "operationId": "updateTag",
            "summary": "Change some of a tag's fields, all or nothing",
            "security": [{"bearer": []}],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("TagChanges")}}},
            "responses": {"200": _json(_ref("Tag"), "The updated tag."), "400": BAD_REQUEST,
                          **CURATOR_ERRORS, "404": NOT_FOUND, "422": INVALID},
        },
    },
    "/api/v1/tags/{slug}/random": {
        "parameters": [SLUG_PARAMETER],
        "get": {
            "operationId": "randomPick",
            "summary": "A random title from a tag's spotlight, within the filters",
            "parameters": [{"name": "media_type", "in": "query", "required": False, "schema": MEDIA_TYPE},
                           *FILTER_PARAMETERS],
            "responses": {"200": _json(_ref("RandomPick"), "One title."), "400": BAD_REQUEST,
                          "404": _problem("No such tag or list, or no title passes the filters."),
                          "503": _problem("Nothing stored yet and TMDb could not provide it.", RETRY_AFTER)},
        },
    },
    "/api/v1/tags/{slug}/sync": {
        "parameters": [SLUG_PARAMETER],
        "post": {
            "operationId": "startSync",
            "summary": "Queue a regeneration of a tag's list",
            "security": [{"bearer": []}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"media_type": MEDIA_TYPE}, "additionalProperties": False}}}},
            "responses": {"202": _json(_ref("Sync"), "Queued (or already finished when jobs run in-process).",
                                       LOCATION),
                          "400": BAD_REQUEST, **CURATOR_ERRORS, "404": NOT_FOUND,
                          "409": _problem("A sync of this list is already running; `audit_id` names it.",
                                          LOCATION),
                          "422": INVALID},
        },
    },
    "/api/v1/syncs/{audit_id}": {
        "parameters": [{"name": "audit_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}],
        "get": {
            "operationId": "getSync",
            "summary": "The state of one sync",
            "security": [{"bearer": []}],
            "responses": {"200": _json(_ref("Sync"), "The sync."), **CURATOR_ERRORS, "404": NOT_FOUND},
        },
    },
    "/api/v1/titles/{media_type}/{tmdb_id}/notes": {
        "parameters": [{"name": "media_type", "in": "path", "required": True, "schema": MEDIA_TYPE},
                       {"name": "tmdb_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1}}],
        "get": {
            "operationId": "getTitleNotes",
            "summary": "A title's content notes",
            "responses": {"200": _json(_ref("TitleNotes"), "The notes."), "404": NOT_FOUND},
        },
        "put": {
            "operationId": "setTitleNotes",
            "summary": "Replace the curators' content notes on a title (audited)",
            "security": [{"bearer": []}],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("TitleNotesChange")}}},
            "responses": {"200": _json(_ref("TitleNotes"), "The title's notes now."), "400": BAD_REQUEST,
                          **CURATOR_ERRORS, "404": NOT_FOUND, "422": INVALID},
        },
    },
    "/api/v1/lists/{slug}": {
        "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
        "get": {
            "operationId": "getList",
            "summary": "A spotlight list with its titles, within the filters",
            "parameters": [*FILTER_PARAMETERS,
                           {"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
            "responses": {"200": _json(_ref("SpotlightList"), "The list."), "400": BAD_REQUEST,
                          "404": NOT_FOUND,
                          "503": _problem("Nothing stored yet and TMDb could not provide it.", RETRY_AFTER)},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The whole document, as served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Qwir API",
            "version": "1.0.0",
            "description": "Curated LGBTQ+ spotlights from TMDb: public reads, curator writes with bearer "
                           "tokens. Errors are RFC 9457 problem documents.",
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A curator token from the admin page or "
                                                          "`flask qwir issue-token`."}},
        },
    }
