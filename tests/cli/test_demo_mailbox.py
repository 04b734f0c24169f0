"""The demo people's inbox index: what a look at the sink's folder finds."""

from __future__ import annotations

import os
import time
from pathlib import Path

from klyngepakke.demo.mailbox import FRESH, Mailbox


class Clock:
    """Wall-clock nanoseconds that move a second between looks, unless told otherwise."""

    def __init__(self) -> None:
        self.now = time.time_ns()

    def __call__(self) -> int:
        self.now += 1_000_000_000
        return self.now


def _deliver(folder: Path, number: int, kind: str, order: str, body: str = "Hej") -> None:
    text = (
        f"To: aase@example.dk\nSubject: {kind}\nX-Klyngepakke-Mail: {kind}\n"
        f"X-Klyngepakke-Order: {order}\n\n{body}\n"
    )
    path = folder / f"{number:05d}-{kind}.eml"
    path.write_text(text)
    # The folder's mtime is what tells the index to look; make each delivery a new one.
    stamp = folder.stat().st_mtime_ns + 1_000_000 * number
    os.utime(folder, ns=(stamp, stamp))


def test_finds_an_orders_mails_of_one_kind_in_arrival_order(tmp_path: Path) -> None:
    """Only the order's mails of that kind, oldest first."""
    _deliver(tmp_path, 1, "material", "ordre-a", "en")
    _deliver(tmp_path, 2, "material", "ordre-b")
    _deliver(tmp_path, 3, "survey_invitation", "ordre-a")
    _deliver(tmp_path, 4, "material", "ordre-a", "to")
    box = Mailbox(tmp_path, Clock())
    found = box.messages("ordre-a", "material")
    assert [m.get_content().strip() for m in found] == ["en", "to"]
    assert [str(m["X-Klyngepakke-Mail"]) for m in box.messages("ordre-a", None)] == [
        "material",
        "survey_invitation",
        "material",
    ]


def test_a_mail_arriving_after_a_look_is_found_on_the_next(tmp_path: Path) -> None:
    """The index is no snapshot: a later delivery shows up."""
    box = Mailbox(tmp_path, Clock())
    assert box.messages("ordre-a", "material") == []
    _deliver(tmp_path, 1, "material", "ordre-a")
    assert len(box.messages("ordre-a", "material")) == 1


def test_a_sink_started_afresh_on_the_folder_is_read_anew(tmp_path: Path) -> None:
    """The sink empties its folder when it starts: the old run's mails are gone from the index."""
    _deliver(tmp_path, 1, "material", "ordre-a", "gammel")
    box = Mailbox(tmp_path, Clock())
    assert len(box.messages("ordre-a", "material")) == 1
    (tmp_path / "00001-material.eml").unlink()
    _deliver(tmp_path, 2, "material", "ordre-a", "ny")
    assert [m.get_content().strip() for m in box.messages("ordre-a", "material")] == ["ny"]


def test_a_missing_folder_is_an_empty_inbox(tmp_path: Path) -> None:
    assert Mailbox(tmp_path / "ingen", Clock()).messages(None, None) == []


def test_a_mail_renamed_in_within_the_folders_mtime_tick_is_still_found(tmp_path: Path) -> None:
    """The folder's mtime did not move (the same coarse tick as the last look): the mail
    arrives all the same, since a folder changed so recently is listed again."""
    clock = Clock()
    box = Mailbox(tmp_path, clock)
    stamp = clock.now + 1_000_000_000  # the folder changes just as the first look lists it
    os.utime(tmp_path, ns=(stamp, stamp))
    assert box.messages("ordre-a", "material") == []
    (tmp_path / "00001-material.eml").write_text(
        "X-Klyngepakke-Mail: material\nX-Klyngepakke-Order: ordre-a\n\nHej\n"
    )
    os.utime(tmp_path, ns=(stamp, stamp))  # as if renamed in within the same tick
    assert len(box.messages("ordre-a", "material")) == 1


def test_looks_within_a_moment_share_one_listing(tmp_path: Path) -> None:
    """A hundred people looking at once list the folder once: a mail that arrived a moment
    ago is found on a look a moment later."""
    clock = Clock()
    box = Mailbox(tmp_path, clock)
    assert box.messages(None, None) == []
    _deliver(tmp_path, 1, "material", "ordre-a")
    clock.now -= 1_000_000_000 - FRESH // 2  # the next look comes half a moment later
    assert box.messages(None, None) == []
    assert len(box.messages(None, None)) == 1  # and the one after, a second later, finds it
