"""The package catalog: one folder per cluster package (package.yaml + mails/*.j2).

Loaded and validated once at worker start, so a broken package stops the worker with a
message naming the file and the field instead of failing an order weeks later.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import ValidationError

from catalog.mail_templates import MailTemplateError, MailTemplates
from schemas.catalog import Package
from schemas.cluster_year import ClusterYearRules
from schemas.course import CourseDefinition
from schemas.errors import DomainError, from_validation_error

DEFAULT_DIR = Path(__file__).resolve().parent
REQUIRED_MAILS = (
    "order_confirmation",
    "consultant_task",
    "consultation_escalation",
    "material",
    "jobcenter_guide",
    "survey_reminder",
    "artifacts_delivered",
    "premeeting_scheduled",
    "invitation",
    "practical_checklist",
    "meeting_escalation",
    "follow_up_summary",
    "extract_reminder",
    "practice_label",
    "agreement_reminder",
    "follow_up_started",
    "follow_up_invitation",
    "follow_up_extract_request",
    "follow_up_deck",
    "rescheduled",
    "cancelled",
    "survey_invitation",
    "survey_member_reminder",
    "child_failed",
    "render_failed",
)


class CatalogError(DomainError):
    """A package folder that cannot be used."""


class Catalog:
    """The validated packages and their mail templates."""

    def __init__(self, root: Path = DEFAULT_DIR) -> None:
        self.root = root
        self.packages: dict[str, Package] = {}
        self._mail_envs: dict[str, MailTemplates] = {}
        if not root.is_dir():
            raise CatalogError(
                str(root), "kataloget findes ikke – sæt KLYNGEPAKKE_CATALOG_DIR til en mappe"
            )
        for folder in sorted(p for p in root.iterdir() if (p / "package.yaml").is_file()):
            package = self._load_package(folder)
            self.packages[package.id] = package
            self._mail_envs[package.id] = self._load_mails(folder)
        if not self.packages:
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
        return package

    def _load_mails(self, folder: Path) -> MailTemplates:
        return _mail_templates(folder / "mails", REQUIRED_MAILS)

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
