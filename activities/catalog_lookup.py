"""The catalog activity: a workflow reads its package through history, so replays agree."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from catalog import Catalog
from schemas.cluster.year import ClusterYearRules
from schemas.course.definition import CourseDefinition
from schemas.package.model import Package
from schemas.shared.errors import CatalogError, Failure


class CatalogActivities:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @activity.defn(name="load_package")
    def load_package(self, package_id: str) -> Package:
        try:
            return self.catalog.package(package_id)
        except CatalogError as exc:
            raise ApplicationError(
                exc.message, type=Failure.UNKNOWN_PACKAGE.value, non_retryable=True
            ) from None

    @activity.defn(name="load_course")
    def load_course(self, course_id: str) -> CourseDefinition:
        try:
            return self.catalog.course(course_id)
        except CatalogError as exc:
            raise ApplicationError(
                exc.message, type=Failure.UNKNOWN_COURSE.value, non_retryable=True
            ) from None

    @activity.defn(name="load_cluster_year")
    def load_cluster_year(self) -> ClusterYearRules:
        try:
            return self.catalog.cluster_year()
        except CatalogError as exc:
            raise ApplicationError(
                exc.message, type=Failure.UNKNOWN_CATALOG.value, non_retryable=True
            ) from None
