"""A render names the order's package by its content: the same documents as with the package
itself in the input, and a clear refusal when the worker's catalog holds another version."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from activities.rendering import RenderActivities, RenderRequest
from catalog import Catalog
from schemas.order.documents import DocumentFacts, package_ref
from schemas.shared.errors import Failure
from storage.artifact_store import FolderArtifactStore
from tests.renderers.test_documents import source


def _facts() -> DocumentFacts:
    whole = source()
    return DocumentFacts(**{k: v for k, v in dict(whole).items() if k != "package"})


def test_a_render_by_reference_gives_the_same_documents_as_with_the_package_inline(tmp_path):
    whole = source()
    inline = RenderActivities(FolderArtifactStore(tmp_path / "a")).render_documents(
        RenderRequest(kinds=["deck", "handouts"], source=whole)
    )
    by_ref = RenderActivities(FolderArtifactStore(tmp_path / "b")).render_documents(
        RenderRequest(
            kinds=["deck", "handouts"], source=_facts(), package=package_ref(whole.package)
        )
    )
    assert [a.sha256 for a in by_ref.artifacts] == [a.sha256 for a in inline.artifacts]


def test_the_reference_is_far_smaller_than_the_package_it_names():
    whole = source()
    with_ref = RenderRequest(kinds=["deck"], source=_facts(), package=package_ref(whole.package))
    inline = RenderRequest(kinds=["deck"], source=whole)
    assert len(with_ref.model_dump_json()) < len(inline.model_dump_json()) - 10_000


def test_a_catalog_with_another_version_of_the_package_is_refused_as_changed(tmp_path):
    whole = source()
    changed = whole.package.model_copy(update={"purpose": "Et andet formål"})
    render = RenderActivities(FolderArtifactStore(tmp_path))
    with pytest.raises(ApplicationError) as refused:
        render.render_documents(
            RenderRequest(kinds=["deck"], source=_facts(), package=package_ref(changed))
        )
    assert refused.value.type == Failure.PACKAGE_CHANGED and refused.value.non_retryable


def test_the_same_package_content_gives_the_same_reference():
    one = Catalog().package("attester-i-almen-praksis")
    other = Catalog().package("attester-i-almen-praksis")
    assert package_ref(one) == package_ref(other)
    assert package_ref(one) != package_ref(one.model_copy(update={"title": "Ny titel"}))
