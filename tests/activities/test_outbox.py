"""The outbox claims a message just before it is sent and marks it on the server's 250: two
attempts never send the same message at the same time, a dead attempt's claim lapses, and a
message the server refused is free for the next attempt. Alike on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from storage import outbox as outbox_module
from storage.outbox import Claim, Outbox
from storage.stores import outbox


@pytest.fixture(params=["sqlite", "postgres"])
def box(request: pytest.FixtureRequest, tmp_path: Path) -> Outbox:
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    return outbox(tmp_path, url)


def test_a_message_claimed_by_a_live_attempt_is_not_sent_by_another(box):
    assert box.claim("<m@x>", "attempt-1") is Claim.SEND
    assert box.claim("<m@x>", "attempt-2") is Claim.BUSY
    assert box.claim("<m@x>", "attempt-1") is Claim.SEND  # its own claim, asked again
    assert not box.was_sent("<m@x>")
    box.mark_sent("<m@x>")
    assert box.claim("<m@x>", "attempt-2") is Claim.SENT
    assert box.was_sent("<m@x>")


def test_a_dead_attempts_claim_lapses(box, monkeypatch):
    assert box.claim("<m@x>", "killed") is Claim.SEND
    monkeypatch.setattr(outbox_module, "LEASE", timedelta(0))
    assert box.claim("<m@x>", "retry") is Claim.SEND


def test_a_refused_message_is_free_for_the_next_attempt(box):
    assert box.claim("<m@x>", "attempt-1") is Claim.SEND
    box.release("<m@x>", "attempt-2")  # not the holder: nothing happens
    assert box.claim("<m@x>", "attempt-3") is Claim.BUSY
    box.release("<m@x>", "attempt-1")
    assert box.claim("<m@x>", "attempt-3") is Claim.SEND


def test_the_ledger_before_claims_is_carried_over(tmp_path):
    """A machine's var/ from before the outbox: what it sent stays sent."""
    import sqlite3

    with sqlite3.connect(tmp_path / "sent-mail.sqlite") as db:
        db.execute("CREATE TABLE sent (message_id TEXT PRIMARY KEY, sent_at TEXT)")
        db.execute("INSERT INTO sent VALUES ('<old@x>', '2026-11-01T10:00:00+00:00')")
    box = outbox(tmp_path, None)
    assert box.was_sent("<old@x>")
    assert box.claim("<old@x>", "retry") is Claim.SENT
