"""`klyngepakke catalog facts` reads the catalog alone (no stack): the facts a package prints
without a source, by where they stand in package.yaml, and an unknown package named."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from klyngepakke.cli import app


def test_catalog_facts_lists_what_lacks_a_source_without_a_stack() -> None:
    result = CliRunner().invoke(app, ["catalog", "facts", "attester-i-almen-praksis", "--json"])
    assert result.exit_code == 0, result.output
    (package,) = json.loads(result.output)["packages"]
    missing = {gap["where"] for gap in package["without_source"]}
    assert {"links.attestrejsen", "links.podcast", "quality_units.Midtjylland"} <= missing
    assert "links.laeger_attester" not in missing
    assert all(r["source"] for r in package["to_review"])
    short = CliRunner().invoke(app, ["catalog", "facts", "--kort"])
    assert "attester-i-almen-praksis: 6 fakta mangler en kilde" in short.output


def test_an_unknown_package_is_named_with_the_known_ones() -> None:
    result = CliRunner().invoke(app, ["catalog", "facts", "findes-ikke"])
    assert result.exit_code == 2
    assert "ukendt pakke 'findes-ikke'" in result.output


def test_catalog_check_names_the_file_and_field_of_a_broken_package(tmp_path, monkeypatch) -> None:
    import shutil
    from pathlib import Path

    from klyngepakke.config import get_settings

    shipped = Path(__file__).resolve().parents[2] / "catalog" / "attester-i-almen-praksis"
    folder = tmp_path / "katalog"
    shutil.copytree(shipped, folder / "attester-i-almen-praksis")
    monkeypatch.setenv("KLYNGEPAKKE_CATALOG_DIR", str(folder))
    get_settings.cache_clear()
    try:
        fine = CliRunner().invoke(app, ["catalog", "check"])
        assert fine.exit_code == 0 and "er i orden: attester-i-almen-praksis" in fine.output
        yaml = folder / "attester-i-almen-praksis" / "package.yaml"
        text = yaml.read_text("utf-8")
        yaml.write_text(text.replace("[meeting_summary, practice_sheet]", "[referat]"), "utf-8")
        broken = CliRunner().invoke(app, ["catalog", "check", "--json"])
        assert broken.exit_code == 2
        said = json.loads(broken.output)
        assert said["field"].endswith("package.yaml: after_meeting_documents")
        assert "ukendt dokument referat" in said["error"]
    finally:
        get_settings.cache_clear()
