"""The artifact store is content-addressed: same bytes, same ref; new bytes, next version. The
folder store (one machine) and the PostgreSQL store (several) behave alike, and a reference
names no path, so any machine reading the store reads the document."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from storage.artifact_store import ArtifactStore, FolderArtifactStore
from storage.stores import artifact_store


@pytest.fixture(params=["folder", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    return artifact_store("artifacts", tmp_path / "artifacts", url)


def test_same_bytes_are_stored_once_and_new_bytes_get_a_new_version(store):
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
    assert first.path is None and first.address == f"sha256:{first.sha256}"
    assert store.named("o-1", "klyngemoede-v2.pptx") == (second, b"two")


def test_a_discarded_upload_is_gone_and_the_rest_stays(store):
    kept = store.put("o-1", "extract_upload", "upload.csv", "text/csv", b"kept")
    refused = store.put("o-1", "extract_upload", "upload.csv", "text/csv", b"refused")
    store.discard("o-1", refused)
    assert store.named("o-1", refused.name) is None
    assert not store.holds("o-1", "extract_upload", b"refused")
    assert store.read(kept) == b"kept"
    with pytest.raises(FileNotFoundError):
        store.read(refused)


def test_discarding_the_first_holder_of_some_bytes_leaves_them_for_a_later_one(store):
    """The same template uploaded to two orders, the first refused and discarded: the second
    order's file is still read."""
    data = b"the same extract bytes"
    first = store.put("o-1", "extract", "udtraek.csv", "text/csv", data)
    store.put("o-2", "extract", "udtraek.csv", "text/csv", data)
    store.discard("o-1", first)
    kept = store.latest("o-2", "extract")
    assert kept is not None and kept[1] == data
    assert store.latest("o-1", "extract") is None


def test_two_writers_at_once_never_take_the_same_version(store):
    """Two machines rendering the same order at the same moment (a retry beside a slow
    attempt): each new document gets a version of its own."""
    refs = []

    def put(n: int) -> None:
        refs.append(store.put("o-1", "deck", "deck.pptx", "application/x", f"deck {n}".encode()))

    threads = [threading.Thread(target=put, args=(n,)) for n in range(8)]
    if isinstance(store, FolderArtifactStore):
        threads = threads[:1]  # one machine's store has one writer per order (its worker)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.version for r in refs) == list(range(1, len(threads) + 1))
    assert all(store.read(r) == store.named("o-1", r.name)[1] for r in refs)  # type: ignore[index]


def test_the_folder_store_keeps_files_where_a_person_finds_them(tmp_path):
    store = FolderArtifactStore(tmp_path)
    store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"one")
    store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"two")
    assert sorted(p.name for p in (tmp_path / "o-1").iterdir()) == [
        "klyngemoede-v2.pptx",
        "klyngemoede.pptx",
        "manifest.json",
    ]


def test_a_reference_from_before_content_addresses_is_still_read(tmp_path):
    """Orders running at deploy carry references with the file's path in their history."""
    store = FolderArtifactStore(tmp_path)
    ref = store.put("o-1", "deck", "klyngemoede.pptx", "application/x", b"one")
    store.blob(ref.sha256).unlink()
    old = ref.model_copy(update={"path": str(tmp_path / "o-1" / "klyngemoede.pptx")})
    assert store.read(old) == b"one"


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
    render = RenderActivities(FolderArtifactStore(tmp_path), converter)  # type: ignore[arg-type]
    request = RenderRequest(kinds=["handouts", "practice_sheet"], source=source())
    first = render.render_documents(request).artifacts
    again = render.render_documents(request).artifacts
    assert again == first
    assert [a.version for a in again] == [1, 1]
    assert converter.calls == 2  # each page converted once; the second render reused them
