"""Chart data whose embedded workbook holds text as text.

python-pptx writes a chart's categories into an embedded XLSX with XlsxWriter, whose default
turns a string that starts with '=' into a live formula: an answer option or a certificate
type like '=HYPERLINK(...)' would then run when someone opens the chart's data in Excel. The
label on the slide shows exactly what was written; only the workbook cell changes kind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from xlsxwriter import Workbook


class _TextOnlyWriter(CategoryWorkbookWriter):
    @contextmanager
    def _open_worksheet(self, xlsx_file: Any) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(
            xlsx_file,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class TextOnlyChartData(CategoryChartData):
    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        writer = self.__dict__.get("_text_only_writer")
        if writer is None:
            writer = self.__dict__["_text_only_writer"] = _TextOnlyWriter(self)  # type: ignore[no-untyped-call]
        return writer
