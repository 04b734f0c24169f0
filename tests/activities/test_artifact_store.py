"""The artifact store is content-addressed: same bytes, same ref; new bytes, next version."""

from __future__ import annotations

from activities.artifact_store import ArtifactStore


def test_same_bytes_are_stored_once_and_new_bytes_get_a_new_version(tmp_path):
    store = ArtifactStore(tmp_path)
    first = store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"one")
    again = store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"one")
    second = store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"two")
    assert first == again
    assert (first.name, second.name, second.version) == (
        "klyngemoede.pptx",
        "klyngemoede-v2.pptx",
        2,
    )
    assert store.read(first) == b"one" and store.read(second) == b"two"
    assert sorted(p.name for p in (tmp_path / "o-1").iterdir()) == [
        "klyngemoede-v2.pptx",
        "klyngemoede.pptx",
        "manifest.json",
    ]
