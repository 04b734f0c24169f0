"""A package names its optional stages; the planner, the order's state and the catalog follow."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from catalog import Catalog, required_mails
from schemas.order.events import ExtractMissing, OrderPlaced, StepOverdue
from schemas.order.request import OrderRequest
from schemas.order.state import apply, fold
from schemas.order.steps import Step, StepState
from schemas.order.timeline import plan
from schemas.package.process import Process
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import CatalogError, DomainError
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"
ALONE = Process(partner=False, premeeting=False, extract=False)


def _alone_order() -> OrderRequest:
    return factories.make_order(NOW, package="rationel-antibiotika", municipality=None)


def test_a_package_without_partner_plans_no_extract_and_no_premeeting():
    timeline = plan(_alone_order(), NOW, process=ALONE)
    assert Step.PARTNER not in timeline.due and Step.PREMEETING not in timeline.due
    assert list(timeline.due) == [s for s in Step if s not in (Step.PARTNER, Step.PREMEETING)]
    assert timeline.due[Step.INVITATION] < timeline.meeting


def test_a_package_with_a_partner_asks_for_the_municipality_by_field():
    with pytest.raises(DomainError) as caught:
        plan(_alone_order(), NOW, process=Process())
    assert caught.value.field == "municipality.name"
    assert "kontaktperson" in caught.value.message


def test_the_order_of_a_package_without_partner_has_only_its_own_steps():
    timeline = plan(_alone_order(), NOW, process=ALONE)
    state = fold([OrderPlaced(at=NOW, timeline=timeline)])
    assert Step.PARTNER not in state.steps and Step.PREMEETING not in state.steps
    # A stage the package leaves out is never waited for, and events naming it change nothing.
    assert state.is_done(Step.PREMEETING) and state.state_of(Step.PARTNER) == StepState.SKIPPED
    after = apply(apply(state, ExtractMissing(at=NOW)), StepOverdue(at=NOW, step=Step.PREMEETING))
    assert after.steps == state.steps and not after.overdue


def test_a_stage_needs_a_partner():
    with pytest.raises(ValueError, match="premeeting: kræver en samarbejdspartner"):
        Process(partner=False, premeeting=True, extract=False)


def test_only_the_stages_mails_are_required():
    assert "partner_guide" in required_mails(Process())
    alone = required_mails(ALONE)
    for mail in ("partner_guide", "premeeting_scheduled", "extract_reminder"):
        assert mail not in alone


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rationel-antibiotika"
    shutil.copytree(FIXTURES / "rationel-antibiotika", folder)
    return folder


def _rewrite(folder: Path, change: dict[str, object]) -> None:
    source = folder / "package.yaml"
    data = yaml.safe_load(source.read_text("utf-8"))
    data.update(change)
    source.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_the_second_package_loads_beside_nothing_else():
    package = Catalog(FIXTURES).package("rationel-antibiotika")
    assert package.process == ALONE
    assert len(package.survey.questions) == 3 and package.program(None).minutes == 150


def test_a_package_without_texts_is_refused_naming_file_and_field(tmp_path):
    folder = _copy(tmp_path)
    _rewrite(folder, {"texts": None})
    with pytest.raises(CatalogError) as caught:
        Catalog(tmp_path)
    assert caught.value.field.endswith("package.yaml: texts")


def test_partner_words_for_a_package_without_partner_are_refused(tmp_path):
    folder = _copy(tmp_path)
    data = yaml.safe_load((folder / "package.yaml").read_text("utf-8"))
    texts = data["texts"] | {
        "partner": {
            "name": "region",
            "definite": "regionen",
            "organisation": "region",
            "contact": "kontakt",
        }
    }
    _rewrite(folder, {"texts": texts})
    with pytest.raises(CatalogError, match=r"texts\.partner: processen har ingen partner"):
        Catalog(tmp_path)


def test_a_slide_of_a_stage_the_package_lacks_is_refused(tmp_path):
    folder = _copy(tmp_path)
    data = yaml.safe_load((folder / "package.yaml").read_text("utf-8"))
    data["programs"][0]["blocks"][1]["items"][0]["slides"] = ["survey", "extract"]
    _rewrite(folder, {"programs": data["programs"]})
    with pytest.raises(CatalogError, match="slides 'extract' viser extract"):
        Catalog(tmp_path)


def test_a_missing_stage_mail_is_named(tmp_path):
    folder = _copy(tmp_path)
    _rewrite(folder, {"process": {"partner": True, "premeeting": False, "extract": False}})
    data = yaml.safe_load((folder / "package.yaml").read_text("utf-8"))
    words = {
        "name": "region",
        "definite": "regionen",
        "organisation": "region",
        "contact": "kontakt i regionen",
    }
    _rewrite(folder, {"texts": data["texts"] | {"partner": words}})
    with pytest.raises(CatalogError, match="partner_guide"):
        Catalog(tmp_path)


def test_a_document_no_renderer_makes_is_refused_naming_file_and_field(tmp_path):
    import renderers

    folder = _copy(tmp_path)
    _rewrite(folder, {"after_meeting_documents": ["meeting_summary", "referat"]})
    with pytest.raises(CatalogError) as caught:
        Catalog(tmp_path, renderers=frozenset(renderers.available()))
    assert caught.value.field.endswith("package.yaml: after_meeting_documents")
    assert "ukendt dokument referat" in caught.value.message


def test_the_running_stack_sets_a_broken_package_aside_and_serves_the_others(tmp_path):
    """A package that fails its check is kept out of new orders, with the reason for the
    workbench; the catalog's other packages still serve."""
    import shutil

    folder = _copy(tmp_path)
    broken = tmp_path / "attester-kopi"
    shutil.copytree(folder, broken)
    data = yaml.safe_load((broken / "package.yaml").read_text("utf-8"))
    data["id"] = "attester-kopi"
    # An invented address on the practice sheet's QR code, with no source.
    for link in data["links"]:
        if link["id"] == "vejledning":
            link["url"] = "https://example.org/vejledning"
            link["on_practice_sheet"] = True
    (broken / "package.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    with pytest.raises(CatalogError, match=r"links\.vejledning"):
        Catalog(tmp_path)
    catalog = Catalog(tmp_path, strict=False)
    assert list(catalog.packages) == [folder.name]
    refused = catalog.refused["attester-kopi"]
    assert refused.field.endswith("attester-kopi/package.yaml: links.vejledning")
    assert "QR-kode" in refused.message and "source:" in refused.message


def test_names_from_before_the_partner_was_neutral_still_serve(tmp_path):
    """A catalog folder KiAP keeps with the guide under its old name, a running order's
    render scheduled under it, and a timeline recorded with the old step all still work."""
    import renderers.registry as registry
    from schemas.order.steps import Step
    from schemas.order.timeline import Timeline, plan
    from tests import factories

    folder = tmp_path / "attester-i-almen-praksis"
    shutil.copytree(Catalog().root / "attester-i-almen-praksis", folder)
    (folder / "mails" / "partner_guide.j2").rename(folder / "mails" / "jobcenter_guide.j2")
    documents = folder / "documents"
    (documents / "partner_guide.docx").rename(documents / "jobcenter_guide.docx")
    # Loading checks every required mail and Word template by its current name.
    catalog = Catalog(tmp_path)
    assert "partner_guide" in catalog.documents("attester-i-almen-praksis")
    assert registry.get("jobcenter_guide") is registry.get("partner_guide")

    now = datetime(2027, 1, 4, 9, tzinfo=COPENHAGEN)
    recorded = (
        plan(factories.make_order(now), now).model_dump_json().replace('"partner"', '"jobcenter"')
    )
    assert '"jobcenter"' in recorded
    assert Step.PARTNER in Timeline.model_validate_json(recorded).due
