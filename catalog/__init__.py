"""The package catalog: one folder per cluster package (package.yaml + mails/*.j2).

Loaded and validated once per process. ``Catalog(root)`` refuses a broken package outright
(the tests, ``klyngepakke catalog check``); the running stack loads with ``strict=False``: a
package that fails its check is set aside in ``refused`` with the file, the field and the
fix – shown on the workbench, never offered for a new order – and the others serve.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from pathlib import Path

import yaml
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from pydantic import ValidationError

from catalog.mail_templates import MailTemplateError, MailTemplates
from schemas.cluster.year import ClusterYearRules
from schemas.course.definition import CourseDefinition
from schemas.package.model import Package, current_name
from schemas.package.process import Process
from schemas.shared.errors import CatalogError, from_validation_error

DEFAULT_DIR = Path(__file__).resolve().parent
# The mails every package writes, and those only a package with the stage writes.
REQUIRED_MAILS = (
    "order_confirmation",
    "consultant_task",
    "consultation_escalation",
    "material",
    "survey_reminder",
    "artifacts_delivered",
    "invitation",
    "practical_checklist",
    "meeting_escalation",
    "follow_up_summary",
    "agreement_reminder",
    "follow_up_started",
    "follow_up_invitation",
    "follow_up_deck",
    "rescheduled",
    "cancelled",
    "survey_invitation",
    "survey_member_reminder",
    "child_failed",
    "render_failed",
    "task_assigned",
)
# KiAP's mails to its own staff (catalog/staff/mails).
REQUIRED_STAFF_MAILS = ("morning_overview", "operations_overview", "task_handover")
# The Word templates (documents/<kind>.docx) a package with the stage ships.
STAGE_DOCUMENTS = {"partner": ("partner_guide",)}
STAGE_MAILS = {
    "partner": ("partner_guide",),
    "premeeting": ("premeeting_scheduled",),
    "extract": ("extract_reminder", "practice_label", "follow_up_extract_request"),
}


def required_mails(process: Process) -> tuple[str, ...]:
    """The mail templates a package with ``process`` must have."""
    staged = [m for stage, mails in STAGE_MAILS.items() if getattr(process, stage) for m in mails]
    return (*REQUIRED_MAILS, *staged)


class Catalog:
    """The validated packages and their mail templates."""

    def __init__(
        self,
        root: Path = DEFAULT_DIR,
        strict: bool = True,
        renderers: frozenset[str] | None = None,
    ) -> None:
        """``renderers``: the document kinds the render worker knows (the composition root
        passes them); a package naming another is refused."""
        self.root = root
        self.packages: dict[str, Package] = {}
        # A package folder that failed its check: folder name -> what is wrong and where.
        self.refused: dict[str, CatalogError] = {}
        self._mail_envs: dict[str, MailTemplates] = {}
        self._documents: dict[str, dict[str, bytes]] = {}
        self._sha256: dict[str, str] = {}
        if not root.is_dir():
            raise CatalogError(
                str(root), "kataloget findes ikke – sæt KLYNGEPAKKE_CATALOG_DIR til en mappe"
            )
        for folder in sorted(p for p in root.iterdir() if (p / "package.yaml").is_file()):
            try:
                package = self._load_package(folder)
                mails = _mail_templates(folder / "mails", required_mails(package.process))
                documents = _word_templates(folder / "documents", package.process)
                _check_documents(folder, package, renderers)
            except CatalogError as exc:
                if strict:
                    raise
                self.refused[folder.name] = exc
                continue
            self.packages[package.id] = package
            self._mail_envs[package.id] = mails
            self._documents[package.id] = documents
            self._sha256[package.id] = _folder_sha256(folder)
        if not self.packages:
            if self.refused:
                raise next(iter(self.refused.values()))
            raise CatalogError(str(root), "kataloget har ingen pakker (mapper med package.yaml)")

    def _load_package(self, folder: Path) -> Package:
        source = folder / "package.yaml"
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            package = Package.model_validate(data)
        except yaml.YAMLError as exc:
            raise CatalogError(str(source), f"ugyldig YAML: {exc}") from None
        except ValidationError as exc:
            raise CatalogError(str(source), str(from_validation_error(exc))) from None
        if package.id != folder.name:
            raise CatalogError(
                str(source), f"id '{package.id}' skal være mappens navn '{folder.name}'"
            )
        if package.texts is None:
            raise CatalogError(
                f"{source}: texts",
                "mangler – skriv pakkens ord til dokumenterne (se docs/packages.md)",
            )
        for field, problem in package.printing_problems():
            raise CatalogError(f"{source}: {field}", problem)
        return package

    def package(self, package_id: str) -> Package:
        try:
            return self.packages[package_id]
        except KeyError:
            known = ", ".join(sorted(self.packages))
            raise CatalogError(
                "package", f"ukendt pakke '{package_id}' – kendte pakker: {known}"
            ) from None

    def mail_templates(self, package_id: str) -> MailTemplates:
        self.package(package_id)
        return self._mail_envs[package_id]

    def content_sha256(self, package_id: str) -> str:
        """The digest of the package's folder as loaded (package.yaml, mails, documents): a
        change to any of them is a new version of the package, with its own preview."""
        self.package(package_id)
        return self._sha256[package_id]

    def documents(self, package_id: str) -> dict[str, bytes]:
        """The package's Word templates by renderer kind (its ``documents/`` folder)."""
        self.package(package_id)
        return dict(self._documents[package_id])

    def course(self, course_id: str) -> CourseDefinition:
        """A course of this catalog's ``courses/`` folder."""
        return load_course(course_id, self.root / "courses")

    def course_mails(self, course_id: str) -> MailTemplates:
        return course_mail_templates(course_id, self.root / "courses")

    # Read once per catalog, as the packages are: every cluster mail and page view asks.
    @functools.cache  # noqa: B019 (a catalog lives as long as its process)
    def cluster_year(self) -> ClusterYearRules:
        """The coordinator's yearly duties, from this catalog's ``cluster-year/`` folder."""
        return load_cluster_year(self.root / "cluster-year" / "cluster-year.yaml")

    @functools.cache  # noqa: B019
    def staff_mails(self) -> MailTemplates:
        """KiAP's own mails to its staff (the morning overview), from ``staff/mails/``."""
        return _mail_templates(self.root / "staff" / "mails", REQUIRED_STAFF_MAILS)

    @functools.cache  # noqa: B019
    def cluster_mails(self) -> MailTemplates:
        return _mail_templates(self.root / "cluster-year" / "mails", REQUIRED_CLUSTER_MAILS)


COURSES_DIR = DEFAULT_DIR / "courses"
REQUIRED_COURSE_MAILS = (
    "course_started",
    "course_intro",
    "course_task_reminder",
    "course_groups",
    "course_follow_up",
    "course_closing",
)


def load_course(course_id: str, root: Path = COURSES_DIR) -> CourseDefinition:
    """A course from catalog/courses/<id>/course.yaml, validated."""
    folder = root / course_id
    source = folder / "course.yaml"
    if not source.is_file():
        found = root.iterdir() if root.is_dir() else iter(())
        known = ", ".join(sorted(p.name for p in found if (p / "course.yaml").is_file()))
        raise CatalogError("course", f"ukendt kursus '{course_id}' – kendte kurser: {known}")
    try:
        definition = CourseDefinition.model_validate(yaml.safe_load(source.read_text("utf-8")))
    except yaml.YAMLError as exc:
        raise CatalogError(str(source), f"ugyldig YAML: {exc}") from None
    except ValidationError as exc:
        raise CatalogError(str(source), str(from_validation_error(exc))) from None
    return definition


CLUSTER_YEAR = DEFAULT_DIR / "cluster-year" / "cluster-year.yaml"
REQUIRED_CLUSTER_MAILS = ("cluster_started", "cluster_reminder", "grant_missing", "handover")


def load_cluster_year(source: Path = CLUSTER_YEAR) -> ClusterYearRules:
    """The coordinator's yearly duties (catalog/cluster-year.yaml), validated."""
    try:
        return ClusterYearRules.model_validate(yaml.safe_load(source.read_text("utf-8")))
    except OSError as exc:
        raise CatalogError(str(source), f"kan ikke læses: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(str(source), f"ugyldig YAML: {exc}") from None
    except ValidationError as exc:
        raise CatalogError(str(source), str(from_validation_error(exc))) from None


def course_mail_templates(course_id: str, root: Path = COURSES_DIR) -> MailTemplates:
    return _mail_templates(root / course_id / "mails", REQUIRED_COURSE_MAILS)


def _mail_templates(mails: Path, required: tuple[str, ...]) -> MailTemplates:
    """The Danish mail templates of a folder, every required one present and parseable."""
    try:
        return MailTemplates(mails, required)
    except MailTemplateError as exc:
        raise CatalogError(exc.field, exc.message) from None


def _folder_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _check_documents(folder: Path, package: Package, renderers: frozenset[str] | None) -> None:
    """Every document the package sends has a renderer: a misspelt kind is refused here,
    naming the file and the field, not by an order weeks later."""
    if renderers is None:
        return
    for field in ("meeting_documents", "after_meeting_documents"):
        unknown = [kind for kind in getattr(package, field) if kind not in renderers]
        if unknown:
            raise CatalogError(
                f"{folder / 'package.yaml'}: {field}",
                f"ukendt dokument {', '.join(unknown)} – brug en af: "
                + ", ".join(sorted(renderers)),
            )


def _word_templates(folder: Path, process: Process) -> dict[str, bytes]:
    """The docxtpl templates of a package folder, each one's Jinja parsed now, so a broken
    tag stops the worker at start instead of an order's render weeks later."""
    paths = sorted(folder.glob("*.docx")) if folder.is_dir() else []
    # A template under its old name (schemas/package/model.py RENAMED) still serves.
    found = {current_name(path.stem): path for path in paths}
    wanted = [d for stage, docs in STAGE_DOCUMENTS.items() if getattr(process, stage) for d in docs]
    missing = [f"{kind}.docx" for kind in wanted if kind not in found]
    if missing:
        raise CatalogError(str(folder), f"mangler Word-skabelonen {', '.join(missing)}")
    templates: dict[str, bytes] = {}
    for kind, path in found.items():
        data = path.read_bytes()
        try:
            DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables()
        except TemplateError as exc:
            number = getattr(exc, "lineno", None)
            line = f" (linje {number})" if number else ""
            raise CatalogError(str(path), f"ugyldigt flettefelt{line}: {exc.message}") from None
        except (zipfile.BadZipFile, KeyError):
            raise CatalogError(str(path), "er ikke et Word-dokument (.docx)") from None
        templates[kind] = data
    return templates
