"""Series cast comes from `aggregate_credits` (every season), not `credits` (the latest season only)."""

from __future__ import annotations

from qwir.tmdb.client import TV_APPEND
from qwir.tmdb.normalize import normalize_tv
from qwir.tmdb_wiring import build_tmdb_client

# The shape of /tv/{id}/aggregate_credits in TMDb's reference: roles and episode counts per person.
AGGREGATE = {"cast": [
    {"adult": False, "gender": 1, "id": 17, "known_for_department": "Acting", "name": "Later Lead",
     "original_name": "Later Lead", "popularity": 3.1, "profile_path": "/later.jpg",
     "roles": [{"credit_id": "a", "character": "Guest", "episode_count": 1},
               {"credit_id": "b", "character": "Captain", "episode_count": 30}],
     "total_episode_count": 31, "order": 1},
    {"adult": False, "gender": 2, "id": 11, "known_for_department": "Acting", "name": "First Season Star",
     "original_name": "First Season Star", "popularity": 5.0, "profile_path": None,
     "roles": [{"credit_id": "c", "character": "Ensign", "episode_count": 10}],
     "total_episode_count": 10, "order": 0},
], "crew": []}
LATEST_SEASON = {"cast": [{"id": 99, "name": "Only This Season", "character": "Newcomer", "order": 0}],
                 "crew": []}


def test_series_are_fetched_with_aggregate_credits():
    assert "aggregate_credits" in TV_APPEND and "credits" not in TV_APPEND


def test_the_cast_covers_every_season_with_each_persons_main_role():
    details = normalize_tv({"id": 1, "name": "Long Runner", "aggregate_credits": AGGREGATE,
                            "credits": LATEST_SEASON})
    assert [(m.name, m.character) for m in details.cast] == [("First Season Star", "Ensign"),
                                                             ("Later Lead", "Captain")]


def test_an_answer_without_aggregate_credits_falls_back_on_credits():
    details = normalize_tv({"id": 1, "name": "Short Runner", "credits": LATEST_SEASON})
    assert [m.name for m in details.cast] == ["Only This Season"]


def test_the_sandbox_answers_aggregate_credits_for_series():
    with build_tmdb_client({"TMDB_API_KEY": None}) as client:
        series_id = client.discover_tv(page=1)["results"][0]["id"]
        payload = client.tv_details(series_id)
    assert "aggregate_credits" in payload and "credits" not in payload
    assert all("roles" in member for member in payload["aggregate_credits"]["cast"])
