"""KiAP's package preview: asked for through the client, rendered once on the render queue for
the demo cluster's order, kept in the artifact store – every mail of the package as HTML and
every document it sends as PNG pages; the variants show only what differs."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus

from klyngepakke import bootstrap
from klyngepakke.demo.preview import preview_requests
from schemas.views.package_preview import MANIFEST_KIND, PackagePreview, preview_owner
from tests.eventually import eventually
from tests.workflows.harness import running, save_history

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_preview_shows_every_mail_and_document_and_what_differs(
    env, settings, sink, executor
):
    catalog = bootstrap.catalog(settings)
    store = bootstrap.artifact_store(settings)
    async with running(env, settings, sink, executor) as h:
        request = next(
            r
            for r in preview_requests(settings, catalog, await h.now())
            if r.package_id == "attester-i-almen-praksis"
        )
        owner = preview_owner(request.package_id, catalog.content_sha256(request.package_id))
        assert store.latest(owner, MANIFEST_KIND) is None
        workflow_id = await h.client.packages.preview(request)

        async def kept() -> bool:
            return store.latest(owner, MANIFEST_KIND) is not None

        # Every mail and document in eight variants, PDFs and pages: a minute on a busy machine.
        await eventually("the preview's manifest", kept, timeout=900)
        handle = h.env.client.get_workflow_handle(workflow_id)

        async def done() -> bool:
            return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

        await eventually("the preview workflow's end", done)
        # Asked again for the same content: the same workflow, nothing rendered twice.
        assert await h.client.packages.preview(request) == workflow_id
        found = store.latest(owner, MANIFEST_KIND)
        assert found is not None and found[0].version == 1
        await save_history(h.env, workflow_id, "package_preview")

    preview = PackagePreview.model_validate_json(found[1])
    package = catalog.package(request.package_id)
    first, virtual, *others = preview.variants
    assert first.compare_to is None and virtual.compare_to == first.id

    # The first variant: every mail the package has, each as its recipient reads it.
    mails = {i.name: i for i in preview.of(first.id) if i.kind == "mail"}
    assert set(mails) == set(catalog.mail_templates(package.id).names)
    invitation = store.read(mails["invitation"].html).decode()
    assert "Kære" in invitation and request.sample.order.cluster.name in invitation
    assert mails["invitation"].recipient == "et medlem af klyngen"

    # Every document an order sends, with its pages as pictures.
    documents = {i.name: i for i in preview.of(first.id) if i.kind == "document"}
    assert set(documents) == {
        "partner_guide",
        "extract_template",
        "deck",
        "handouts",
        "practice_sheet",
        "meeting_summary",
        "comparison_deck",
    }
    for item in documents.values():
        assert item.problem is None and item.pages, item.name
        assert store.read(item.pages[0]).startswith(PNG)

    # A virtual meeting: its checklist names the region's virtual-room help; the physical
    # meeting's does not. A mail that reads the same is not listed again.
    checklist = store.read(mails["practical_checklist"].html).decode()
    assert "virtuelle møderum" not in checklist
    changed = {i.name: i for i in preview.of(virtual.id)}
    assert "k.tvergaard@rn.dk" in store.read(changed["practical_checklist"].html).decode()
    assert "cancelled" not in changed
    south = next(v for v in others if v.region.value == "Syddanmark")
    south_changed = {i.name: i for i in preview.of(south.id)}
    assert "sdsi.video@rsyd.dk" in store.read(south_changed["practical_checklist"].html).decode()
    # The other program: its deck differs.
    program = next(v for v in others if v.program != first.program)
    assert "deck" in {i.name for i in preview.of(program.id)}
