"""When TMDb misbehaves during a sync: finish within the retry budget or fail cleanly, never lose a list."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select

from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import SyncAudit
from qwir.tmdb.errors import TmdbError
from qwir.tmdb.sandbox import faults as sandbox_faults
from tests.faults.conftest import CLIENT_RETRIES, LIST_SIZE, find_tag, set_faults, stored_list

# Each TMDb misbehaviour, as the sandbox server plays it, and what the audit must say about it.
ALWAYS_FAILING = {
    "429 bursts": ({"burst_every": 1, "burst_length": 10_000}, "429"),
    "5xx errors": ({"fail_rate": 1.0, "kind": "internal_error"}, "500"),
    "maintenance": ({"fail_rate": 1.0, "kind": "maintenance"}, "503"),
    "timeouts": ({"latency_ms": 1800}, "timed out"),
    "connection resets": ({"fail_rate": 1.0, "kind": "connection_abort"}, "network error"),
    "malformed JSON": ({"fail_rate": 1.0, "kind": "malformed_json"}, "not a JSON object"),
}
# Spent retries end as "unavailable"; a 429 whose Retry-After outlasts the deadline may say so itself.
GAVE_UP = {"TmdbUnavailableError", "TmdbRateLimitError"}


def _turn_on(server, monkeypatch, options: dict) -> None:
    options = dict(options)
    kind = options.pop("kind", None)
    if kind:
        monkeypatch.setattr(sandbox_faults, "FAILURE_KINDS", (kind,))
    set_faults(server, **options)


def _last_audit() -> dict:
    """The newest audit row's fields, read fresh (plain values: they outlive the app context)."""
    db.session.expire_all()
    audit = db.session.scalars(select(SyncAudit).order_by(SyncAudit.id.desc()).limit(1)).one()
    fields = ("status", "error_class", "error_message", "tmdb_requests", "finished_at", "duration_ms")
    return {name: getattr(audit, name) for name in fields}


@pytest.mark.parametrize("fault", list(ALWAYS_FAILING), ids=list(ALWAYS_FAILING))
def test_a_sync_that_cannot_finish_fails_cleanly_and_keeps_the_list(
    fault, fault_app, generated_list, tmdb_client, sandbox_server, monkeypatch
):
    options, expected_reason = ALWAYS_FAILING[fault]
    _turn_on(sandbox_server, monkeypatch, options)

    with fault_app.app_context():
        tag = find_tag()
        with pytest.raises(TmdbError):
            generate_media_list_for_identity(tag, limit=LIST_SIZE, client=tmdb_client, trigger="schedule")
        audit = _last_audit()
        assert stored_list(tag) == generated_list

    assert audit["status"] == "failed"
    assert audit["error_class"] in GAVE_UP
    assert expected_reason in audit["error_message"]
    assert audit["finished_at"] is not None and audit["duration_ms"] is not None
    # The first request that fails, then its retries: errors spend the budget, never exceed it;
    # 429s wait for Retry-After (or a backoff of a second or more), so few fit in the deadline.
    # Two calls go out side by side (the list's discover page and the exclusion's), each with its
    # own budget.
    assert 1 <= audit["tmdb_requests"] <= 2 * (CLIENT_RETRIES + 2)


def test_the_retry_budget_carries_a_sync_through_scattered_failures(
    fault_app, generated_list, tmdb_client, sandbox_server
):
    # A 429 now and then, with or without Retry-After: each retried once, well within the budget.
    set_faults(sandbox_server, burst_every=4, burst_length=1)

    with fault_app.app_context():
        tag = find_tag()
        generate_media_list_for_identity(tag, limit=LIST_SIZE, client=tmdb_client, trigger="schedule")
        audit = _last_audit()
        after = stored_list(tag)

    assert audit["status"] == "succeeded"
    assert sandbox_server.stats()["faults"]["rate_limited"] >= 1
    assert [item for _position, item in after.entries] == [item for _position, item in generated_list.entries]
    assert after.generated_at > generated_list.generated_at


@pytest.mark.parametrize("seed", range(6))
def test_under_random_faults_every_sync_either_succeeds_or_leaves_the_list_alone(
    seed, fault_app, generated_list, tmdb_client, sandbox_server
):
    set_faults(sandbox_server, fail_rate=0.25, burst_every=9, burst_length=2, seed=seed)

    with fault_app.app_context():
        tag = find_tag()
        before = stored_list(tag)
        with contextlib.suppress(TmdbError):  # a clean failure is one of the two allowed outcomes
            generate_media_list_for_identity(tag, limit=LIST_SIZE, client=tmdb_client, trigger="schedule")
        audit = _last_audit()
        after = stored_list(tag)

    assert audit["status"] in {"succeeded", "failed"}
    if audit["status"] == "failed":
        assert after == before
        assert audit["error_class"] and audit["error_message"]
    else:
        assert len(after.entries) == LIST_SIZE
        assert [position for position, _item in after.entries] == list(range(LIST_SIZE))
