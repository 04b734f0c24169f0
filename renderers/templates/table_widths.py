"""Column widths a Word table keeps in LibreOffice too, for the template builders."""

from __future__ import annotations

from docx.shared import Cm
from docx.table import Table


def fixed_widths(table: Table, widths_cm: tuple[float, ...]) -> None:
    """Each column's width on its cells (Word) and on the table's grid (LibreOffice lays a
    table out by its grid, and gave every column the same width)."""
    widths = [Cm(w) for w in widths_cm]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        for cell in column.cells:
            cell.width = width
    for grid_column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_column.w = width
