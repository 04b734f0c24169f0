"""KiAP-neutral house colours, as hex, for every document: the deck's theme and band, the
Word headings, the spreadsheet's header cells and the thumbnails."""

from __future__ import annotations

BLUE = "1F4E79"  # titles, headings, bars, the band
PALE = "DDEBF7"  # dividers, the pause, header cells
CONTRAST = "E07B39"  # a chart's second series
GREEN = "7F9F3F"
VIOLET = "8064A2"
