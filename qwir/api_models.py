"""The REST API's one description: request and response models, from which the OpenAPI document,
the JSON answers and the tag validation (form and JSON alike) all come.

New fields (content notes, translations) are added to a model here and appear everywhere at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from flask import url_for
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    model_validator,
)

from qwir.content_notes import CONTENT_NOTES, MAX_NOTE_TEXT, title_notes
from qwir.tmdb.discovery import MOVIE_CERTIFICATIONS_US, TV_CERTIFICATIONS_US
from qwir.validation import has_control_characters

MAX_LIST_SIZE = 100
MAX_KEYWORD_NAMES = 12
MAX_ROW_ID = 2**31 - 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LIST_SLUG_PATTERN = r"^[a-z0-9-]+-(series-)?spotlight-[0-9]+$"
CERTIFICATIONS = MOVIE_CERTIFICATIONS_US + TV_CERTIFICATIONS_US

MediaType = Literal["movie", "tv"]
NoteSlug = Literal[tuple(note.slug for note in CONTENT_NOTES)]  # type: ignore[valid-type]
Certification = Literal[CERTIFICATIONS]  # type: ignore[valid-type]


def _whole_number(value: Any) -> Any:
    """JSON has one number type: 24.0 is the integer 24 (JSON Schema agrees); 24.5, "24" and true are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("Must be a whole number.")
    return value


def _iso_date_text(value: Any) -> Any:
    """Dates travel as "YYYY-MM-DD" strings (or null), never as numbers."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("Use a date like 1999-12-31.")
    return value




def whole_number_between(low: int, high: int):
    """An integer from `low` to `high`; bounds inside the before-validator, so the schema shows them."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_whole_number)]


Text = StrictStr
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
Slug = Annotated[Text, StringConstraints(strip_whitespace=True, pattern=SLUG_PATTERN, max_length=64)]
ListSlug = Annotated[str, StringConstraints(pattern=LIST_SLUG_PATTERN, max_length=120)]
def _one_visible_line(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("cannot hold control characters (tabs, line breaks and the like)")
    return value


KeywordName = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
                        AfterValidator(_one_visible_line)]
KeywordNames = Annotated[list[KeywordName], Field(min_length=1, max_length=MAX_KEYWORD_NAMES),
                         AfterValidator(lambda names: list(dict.fromkeys(names)))]
TagName = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
                    AfterValidator(_one_visible_line)]
MediaTypes = Annotated[list[MediaType], Field(min_length=1),
                       AfterValidator(lambda kinds: [kind for kind in ("movie", "tv") if kind in kinds])]


class Model(BaseModel):
    # Unknown fields are refused in requests; in answers every field is always present (its
    # default included), so the document marks them required.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class TagText(Model):
    """A tag's name and description in one other interface language; "" where none is written yet."""

    name: Annotated[Text, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    description: Annotated[Text, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class TagTranslations(Model):
    """A tag's text in each interface language besides English (members reading it see it)."""

    fr: TagText = Field(default_factory=TagText)


# ---------------------------------------------------------------- requests


class TagSettings(Model):
    """Tag fields a curator may set; each takes its default when a new tag leaves it out."""

    description: Annotated[Text, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    media_types: MediaTypes = ["movie", "tv"]
    language: Annotated[Text, StringConstraints(pattern=r"^[a-z]{2}$")] | None = Field(
        default=None, description="ISO 639-1 original language, like en or pt.")
    include_adult: StrictBool = False
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    max_certification: Certification | None = Field(
        default=None, description="The maturity cap, on TMDb's US film or TV scale.")
    list_size: whole_number_between(1, MAX_LIST_SIZE) = 20
    featured: StrictBool = True
    feature_position: whole_number_between(0, 10_000) = 100
    theme: Annotated[Text, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")] = "aurora"
    translations: TagTranslations = Field(
        default_factory=TagTranslations,
        description="The name and description in the other interface languages; the slug never changes.")

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("The end date comes before the start date.")
        return self


class EditedTag(TagSettings):
    """Every editable field of a tag at once, as the edit form sends them."""

    name: TagName
    keyword_names: KeywordNames


class NewTag(EditedTag):
    """A new tag: a slug, a name and keyword names; the other fields take their defaults."""

    slug: Slug


class TagChanges(TagSettings):
    """Some fields of a tag: only those given change, all or nothing. `null` only where a field allows it."""

    # Left out, these two keep their stored values (the default is never applied: changes are read
    # with exclude_unset); given, they must be valid.
    name: TagName = None  # type: ignore[assignment]
    keyword_names: KeywordNames = None  # type: ignore[assignment]


class SyncRequest(Model):
    media_type: MediaType | None = Field(default=None, description="Defaults to films when the tag has them.")


class ListQuery(Model):
    """Filters a member's preferences would set, for the list and random-pick reads."""

    max_certification: str | None = Field(default=None, description="Only titles rated at most this.")
    avoid: list[str] = Field(default_factory=list, description="Content notes to keep out (repeatable).")


# ---------------------------------------------------------------- answers


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, str] | None = Field(default=None, description="Each field with what is wrong.")
    audit_id: int | None = None


class ListLink(Model):
    slug: ListSlug
    media_type: MediaType
    url: str


class Tag(Model):
    slug: str
    name: str
    description: str
    keyword_names: list[str]
    keyword_ids: list[int]
    media_types: list[MediaType]
    language: str | None
    include_adult: bool
    date_from: dt.date | None
    date_to: dt.date | None
    max_certification: str | None
    list_size: int
    featured: bool
    feature_position: int
    theme: str
    translations: TagTranslations
    lists: list[ListLink]

    @classmethod
    def of(cls, tag) -> Tag:
        lists = [ListLink(slug=tag.list_slug(kind), media_type=kind,
                          url=url_for("api.get_list", slug=tag.list_slug(kind)))
                 for kind in tag.media_types or []]
        return cls(slug=tag.slug, name=tag.name, description=tag.description or "",
                   keyword_names=list(tag.keyword_names or []),
                   keyword_ids=[int(i) for i in tag.keyword_ids or []],
                   media_types=list(tag.media_types or []), language=tag.language,
                   include_adult=bool(tag.include_adult), date_from=tag.date_from, date_to=tag.date_to,
                   max_certification=tag.max_certification, list_size=tag.list_size,
                   featured=bool(tag.featured), feature_position=tag.feature_position, theme=tag.theme,
                   translations=TagTranslations.model_validate(tag.translations or {}), lists=lists)


class TagList(Model):
    tags: list[Tag]


class Title(Model):
    media_type: MediaType
    tmdb_id: int
    title: str
    original_title: str | None
    year: int | None
    release_date: dt.date | None
    runtime: int | None
    genres: list[str]
    certification: str | None
    overview: str
    poster_url: str | None
    directors: list[str]
    cast: list[str]
    imdb_id: str | None
    vote_average: float | None
    vote_count: int | None
    tmdb_url: str
    content_notes: list[NoteSlug] = Field(description="Content notes the title carries (curators' and "
                                                      "its TMDb keywords').")

    @classmethod
    def of(cls, item, poster_url: str | None) -> Title:
        return cls(media_type=item.media_type, tmdb_id=item.tmdb_id, title=item.title,
                   original_title=item.original_title, year=item.year, release_date=item.release_date,
                   runtime=item.runtime, genres=[str(g.get("name", "")) for g in item.genres or []],
                   certification=item.certification, overview=item.overview or "", poster_url=poster_url,
                   directors=list(item.directors or []),
                   cast=[str(member.get("name", "")) for member in item.cast or []],
                   imdb_id=item.imdb_id, vote_average=item.vote_average, vote_count=item.vote_count,
                   tmdb_url=f"https://www.themoviedb.org/{item.media_type}/{item.tmdb_id}",
                   content_notes=sorted(title_notes(item)))


class TitleNotes(Model):
    media_type: MediaType
    tmdb_id: int
    content_notes: list[NoteSlug] = Field(description="Every note the title carries: curators' and its "
                                                      "TMDb keywords'.")
    curated: list[NoteSlug] = Field(description="The notes curators attached.")
    text: str = Field(description="The curators' short note, shown on the title page.")
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, item) -> TitleNotes:
        curated = item.curated_notes
        return cls(media_type=item.media_type, tmdb_id=item.tmdb_id, content_notes=sorted(title_notes(item)),
                   curated=list(curated.notes) if curated else [], text=curated.text if curated else "",
                   updated_at=_utc(curated.updated_at) if curated else None)


class TitleNotesChange(Model):
    """The curators' notes on a title, replacing the ones it had (TMDb keywords' notes stay)."""

    notes: list[NoteSlug]
    text: Annotated[Text, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE_TEXT)] = ""


class SpotlightList(Model):
    slug: ListSlug
    title: str
    tag: str
    media_type: MediaType
    generated_at: dt.datetime | None
    filtered_out: Annotated[int, Field(ge=0, description="How many stored titles the filters kept out.")]
    items: list[Title]


class RandomPick(Model):
    tag: str
    list: ListSlug
    item: Title


class Sync(Model):
    id: int
    tag: str | None
    media_type: MediaType
    trigger: str
    status: Literal["running", "succeeded", "failed"]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    requested_count: int
    stored_count: int
    tmdb_requests: int
    duration_ms: int | None
    error_class: str | None
    error_message: str | None = Field(description="Redacted: never holds a secret.")
    url: str

    @classmethod
    def of(cls, audit) -> Sync:
        return cls(id=audit.id, tag=audit.tag.slug if audit.tag else None, media_type=audit.media_type,
                   trigger=audit.trigger, status=audit.status, started_at=_utc(audit.started_at),
                   finished_at=_utc(audit.finished_at), requested_count=audit.requested_count,
                   stored_count=audit.stored_count, tmdb_requests=audit.tmdb_requests,
                   duration_ms=audit.duration_ms, error_class=audit.error_class,
                   error_message=audit.error_message, url=url_for("api.get_sync", audit_id=audit.id))


class HealthWarning(Model):
    code: Literal["keyword-not-found", "thin-list", "heavy-overlap", "data-ageing", "never-synced",
                  "gone-from-tmdb"]
    message: str


class KeywordStatus(Model):
    name: str
    ids: list[int] | None = Field(description="The TMDb keyword ids; [] when none matched, null before "
                                              "the first resolution.")


class Overlap(Model):
    list: str
    tag: str
    shared: int


class ExcludedTitle(Model):
    tmdb_id: int
    title: str
    date: str
    kept: bool


class ListHealth(Model):
    slug: str
    media_type: MediaType
    size: int
    target: int
    generated_at: dt.datetime | None
    oldest_data_at: dt.datetime | None
    overlaps: list[Overlap]
    same_first_title_as: list[str]
    excluded_titles: list[ExcludedTitle]


class SpotlightHealth(Model):
    tag: str
    keywords: list[KeywordStatus]
    lists: list[ListHealth]
    warnings: list[HealthWarning]

    @classmethod
    def of(cls, report) -> SpotlightHealth:
        lists = [ListHealth(
            slug=h.slug, media_type=h.media_type, size=h.size, target=h.target,
            generated_at=_utc(h.generated_at), oldest_data_at=_utc(h.oldest_data_at),
            overlaps=[Overlap(list=o.list_slug, tag=o.tag_name, shared=o.shared) for o in h.overlaps],
            same_first_title_as=h.heads_also,
            excluded_titles=[ExcludedTitle(tmdb_id=e["tmdb_id"], title=e["title"], date=e.get("date", ""),
                                           kept=e["tmdb_id"] in h.kept) for e in h.excluded],
        ) for h in report.lists]
        return cls(tag=report.tag.slug,
                   keywords=[KeywordStatus(name=k.name, ids=k.ids) for k in report.keywords],
                   lists=lists,
                   warnings=[HealthWarning(code=w.code, message=w.message) for w in report.warnings])


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC, though SQLite hands them back without their offset."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


RESPONSE_MODELS = (Problem, TagList, Tag, SpotlightList, RandomPick, Sync, SpotlightHealth, TitleNotes)
REQUEST_MODELS = (NewTag, TagChanges, SyncRequest, TitleNotesChange)
