"""The artifact store is content-addressed: same bytes, same ref; new bytes, next version."""

from __future__ import annotations

from storage.artifact_store import ArtifactStore


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


class VaryingConverter:
    """LibreOffice writes the same page with its objects in another order now and then."""

    def __init__(self) -> None:
        self.calls = 0

    def convert(self, data: bytes, filename: str, stamp: str) -> bytes:
        self.calls += 1
        return b"%PDF " + data + b" run " + str(self.calls).encode()


def test_a_page_converted_again_from_the_same_source_is_the_same_artifact(tmp_path):
    from activities.rendering import RenderActivities, RenderRequest
    from tests.renderers.test_documents import source

    converter = VaryingConverter()
    render = RenderActivities(ArtifactStore(tmp_path), converter)  # type: ignore[arg-type]
    request = RenderRequest(kinds=["handouts", "practice_sheet"], source=source())
    first = render.render_documents(request).artifacts
    again = render.render_documents(request).artifacts
    assert again == first
    assert [a.version for a in again] == [1, 1]
    assert converter.calls == 2  # each page converted once; the second render reused them
