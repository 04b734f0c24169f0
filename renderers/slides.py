"""Slide building shared by the decks: 16:9 titles, bullet slides, native bar charts,
speaker notes with the facilitator's guidance, and reproducible saving."""

from __future__ import annotations

import io
import re
from typing import Any

from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Inches, Pt

from renderers import house_colours as colours
from renderers.chart_data import TextOnlyChartData
from renderers.office_zip import normalise

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FACILITATION = (
    "Brug tavs refleksion et par minutter, før ordet gives frit, så alle kan nå at tænke."
    " Lad sidemanden tale først, og saml op i plenum. Inviter de stille ind ('Hvad tænker du,"
    " når ... siger ...?'), og luk venligt af for dem, der fylder meget."
)
VIRTUAL = (
    "Virtuelt møde: brug grupperum til sidemandssamtalerne, hold skærmpauser, skift form"
    " hvert 10.–15. minut, og bed deltagerne om tilkendegivelser i chatten."
)


def notes(slide: Slide, text: str, virtual: bool = False) -> None:
    """The slide's own speaker notes; the virtual-meeting advice only where asked for."""
    slide.notes_slide.notes_text_frame.text = text + (f"\n\n{VIRTUAL}" if virtual else "")


def text_box(
    slide: Slide,
    text: str,
    top: float,
    size: int,
    left: float = 0.7,
    width: float = 11.9,
    height: float = 0.5,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        if line.startswith(("https://", "http://")):
            # An address on a slide is clicked in the meeting: a real hyperlink.
            paragraph.runs[0].hyperlink.address = line


def house_style(prs: PresentationType, footer: str) -> None:
    """A footer with the cluster and the date, and the slide's number, on every slide but
    the title."""
    total = len(prs.slides)
    for number, slide in enumerate(prs.slides, start=1):
        if number == 1:
            continue
        for text, left, width, align in (
            (footer, 0.7, 9.0, PP_ALIGN.LEFT),
            (f"{number} / {total}", 10.6, 2.0, PP_ALIGN.RIGHT),
        ):
            box = slide.shapes.add_textbox(Inches(left), Inches(7.0), Inches(width), Inches(0.35))
            box.text_frame.word_wrap = True  # a fixed box: unwrapped, LibreOffice centres it
            paragraph = box.text_frame.paragraphs[0]
            paragraph.text = text
            paragraph.alignment = align
            paragraph.font.size = Pt(11)
            paragraph.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def set_title(slide: Slide, text: str, size: int = 30) -> None:
    """The title in its layout's place; a long title a size smaller, so it keeps to two lines."""
    title = slide.shapes.title
    title.text = text
    frame = title.text_frame
    frame.word_wrap = True
    frame.paragraphs[0].font.size = Pt(size if len(text) <= 60 else size - 6)


def layout(prs: PresentationType, name: str) -> SlideLayout:
    """One of the house's layouts (``LAYOUTS``) by its name."""
    found = prs.slide_layouts.get_by_name(name)
    if found is None:
        raise KeyError(f"the house master has no layout {name!r}")
    return found


def title_only(prs: PresentationType, title: str) -> Slide:
    """A slide for a chart, a table or a picture under its title."""
    slide = prs.slides.add_slide(layout(prs, CHART))
    set_title(slide, title)
    return slide


def bullets(prs: PresentationType, title: str, lines: list[str], size: int = 22) -> Slide:
    slide = prs.slides.add_slide(layout(prs, BULLETS))
    set_title(slide, title)
    _lines(slide.placeholders[1].text_frame, lines, size)
    return slide


def section(prs: PresentationType, title: str, lines: list[str], size: int = 22) -> Slide:
    """A slide that marks a turn in the meeting (a block's divider, the pause): the pale
    layout, the title large and low, what comes next below the rule."""
    slide = prs.slides.add_slide(layout(prs, SECTION))
    set_title(slide, title, size=34)
    _lines(slide.placeholders[1].text_frame, lines, size)
    return slide


def _lines(frame: Any, lines: list[str], size: int) -> None:
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)


def bar_chart(
    slide: Slide,
    categories: list[str],
    series: dict[str, list[float | None]],
    number_format: str,
    axis_title: str | None = None,
) -> None:
    """A column chart; a value of None is a gap (a figure not given), never a 0."""
    data = TextOnlyChartData(number_format=number_format)
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, values)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.7), Inches(1.6), Inches(11.9), Inches(5.0), data
    ).chart
    valid_axis_ids(chart)
    chart.has_title = False  # the slide's title says what the chart shows
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        # Below the plot: at the side it took a fifth of the width from the bars.
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
    plot = chart.plots[0]
    # A figure on every bar while they fit (a large cluster's 24 practices in two series
    # printed figures on top of each other); beyond that the gridlines give the scale.
    crowded = len(categories) * len(series) > MAX_LABELLED_BARS
    plot.has_data_labels = not crowded
    if not crowded:
        plot.data_labels.number_format = number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(12)
    chart.category_axis.tick_labels.font.size = Pt(13 if len(categories) <= 12 else 10)
    chart.value_axis.has_major_gridlines = crowded
    chart.value_axis.tick_labels.font.size = Pt(12)
    if axis_title:
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = axis_title
        chart.value_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(12)
    if number_format.endswith("%"):
        # Shares: the axis runs to 100 %, in percent, like the data labels.
        chart.value_axis.maximum_scale = 1.0
        chart.value_axis.tick_labels.number_format = number_format
        chart.value_axis.tick_labels.number_format_is_linked = False


def valid_axis_ids(chart: Chart) -> None:
    """python-pptx's chart templates give the axes negative ids; the schema wants unsigned
    ones (the Open XML SDK validator flags each, and stricter readers may repair the file)."""
    space = chart._chartSpace
    for element in space.xpath(".//c:axId | .//c:crossAx"):
        element.set("val", str(abs(int(element.get("val")))))


# More bars than this and their figures overlap on a 16:9 slide.
MAX_LABELLED_BARS = 24
BLUE = RGBColor.from_string(colours.BLUE)
PALE = RGBColor.from_string(colours.PALE)
# The theme's colours (charts and tables take theirs from it); dk2 is the titles' colour.
_THEME = {
    "accent1": colours.BLUE,
    "accent2": colours.CONTRAST,
    "accent3": colours.GREEN,
    "accent4": colours.VIOLET,
    "dk2": colours.BLUE,
}
# The house's layouts, by the kind of slide each is drawn for; the default template's other
# layouts (two columns, captions, vertical text) are dropped from the master.
TITLE, BULLETS, SECTION, CHART, BLANK = "Forside", "Punkter", "Blok", "Diagram eller tabel", "Tom"
_LAYOUTS = {0: TITLE, 1: BULLETS, 2: SECTION, 5: CHART, 6: BLANK}
# Where each placeholder sits on a 16:9 slide, in inches (left, top, width, height), by
# layout and placeholder type; the master's own are the defaults every layout inherits.
_TITLE_BOX = (0.6, 0.3, 12.1, 1.2)
_BODY_BOX = (0.7, 1.6, 11.9, 5.3)
_FOOTER_BOXES = {
    "dt": (0.7, 7.0, 2.0, 0.35),
    "ftr": (0.7, 7.0, 9.0, 0.35),
    "sldNum": (10.6, 7.0, 2.0, 0.35),
}
_PLACES: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "master": {"title": _TITLE_BOX, "body": _BODY_BOX, **_FOOTER_BOXES},
    TITLE: {"ctrTitle": (0.6, 1.4, 12.1, 2.5), "subTitle": (0.6, 4.4, 12.1, 1.6)},
    BULLETS: {"title": _TITLE_BOX, "body": _BODY_BOX},
    SECTION: {"title": (0.6, 1.5, 12.1, 1.8), "body": (0.7, 3.75, 11.9, 3.0)},
    CHART: {"title": _TITLE_BOX},
}
# The rules drawn on a layout besides the master's band: under the title of the first slide
# and of a section slide (where the title stands free of the band).
_RULES = {TITLE: (0.7, 4.1, 2.4, 0.08), SECTION: (0.7, 3.45, 2.4, 0.08)}


def new_presentation() -> PresentationType:
    """A 16:9 presentation on the project's own master: the house colours in the theme (so
    charts and tables take them), dark-blue titles, a blue band across the top of every slide,
    and one layout per kind of slide (``TITLE``, ``BULLETS``, ``SECTION``, ``CHART``) with
    its placeholders placed for 16:9, so a slide takes its geometry from its layout."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    master = prs.slide_master
    titles = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle"))
    for colour in titles.iter(qn("a:schemeClr")):
        colour.set("val", "tx2")
    _house_theme(master)
    _keep_layouts(prs)
    _place(master, _PLACES["master"])
    master.shapes._spTree.insert(2, _rectangle(prs, (0, 0, 13.333, 0.12), "Husets bånd"))
    for name, places in _PLACES.items():
        if name != "master":
            _place(layout(prs, name), places)
    for name, box in _RULES.items():
        layout(prs, name).shapes._spTree.append(_rectangle(prs, box, "Husets streg"))
    section_layout = layout(prs, SECTION)
    section_layout.background.fill.solid()
    section_layout.background.fill.fore_color.rgb = PALE
    _restyle(prs)
    return prs


def _restyle(prs: PresentationType) -> None:
    """Titles flush left, as the rules under them are; the first slide's title and a
    section's title stand on their rule; a section's title in sentence case (the default's
    capitals shout a program item's name) and its list in full black under the rule."""
    master = prs.slide_master.element
    master.find(qn("p:txStyles")).find(qn("p:titleStyle"))[0].set("algn", "l")
    for name, kind, anchor in (
        (TITLE, "ctrTitle", "b"),
        (TITLE, "subTitle", "t"),
        (SECTION, "title", "b"),
        (SECTION, "body", "t"),
    ):
        placeholders = list(layout(prs, name).placeholders)
        shape = next(s for s in placeholders if s.element.ph_type.xml_value == kind)
        body = shape.element.txBody
        body.find(qn("a:bodyPr")).set("anchor", anchor)
        for level in body.find(qn("a:lstStyle")):
            if level.get("algn") == "ctr":
                level.set("algn", "l")
            for run in level.iter(qn("a:defRPr")):
                run.attrib.pop("cap", None)
                run.attrib.pop("b", None)
            if name == SECTION:
                for tint in level.iter(qn("a:tint")):
                    tint.getparent().remove(tint)


def _house_theme(master: Any) -> None:
    theme_part = next(
        rel.target_part for rel in master.part.rels.values() if rel.reltype == RT.THEME
    )
    theme = theme_part.blob
    for name, value in _THEME.items():
        theme = re.sub(
            rf"(<a:{name}>)<a:srgbClr val=\"[0-9A-Fa-f]{{6}}\"/>".encode(),
            rf'\g<1><a:srgbClr val="{value}"/>'.encode(),
            theme,
        )
    theme_part._blob = theme


def _keep_layouts(prs: PresentationType) -> None:
    """Name the layouts the house uses and drop the others from the master (PowerPoint's
    layout gallery then offers only these)."""
    listed = prs.slide_master.element.get_or_add_sldLayoutIdLst()
    for index, entry in reversed(list(enumerate(listed))):
        if index in _LAYOUTS:
            prs.slide_layouts[index].element.cSld.set("name", _LAYOUTS[index])
        else:
            prs.slide_master.part.drop_rel(entry.rId)
            listed.remove(entry)


def _place(owner: Any, places: dict[str, tuple[float, float, float, float]]) -> None:
    """Give the placeholders of a master or layout their 16:9 place (the default template's
    are for 4:3)."""
    for shape in owner.placeholders:
        box = places.get(shape.element.ph_type.xml_value)
        if box is not None:
            shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)


def _rectangle(prs: PresentationType, box: tuple[float, float, float, float], name: str) -> Any:
    """A filled rectangle in the house blue as a shape element for a master or layout
    (python-pptx adds shapes to slides only: it is drawn on a scratch slide, moved, and the
    slide dropped)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[0])
    left, top, width, height = (Inches(v) for v in box)
    shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = BLUE
    shape.line.fill.background()
    shape.shadow.inherit = False
    shape.element.nvSpPr.cNvPr.set("id", "1000")
    shape.element.nvSpPr.cNvPr.set("name", name)
    element = shape.element
    listed = prs.slides._sldIdLst
    entry = listed[-1]
    prs.part.drop_rel(entry.rId)
    listed.remove(entry)
    return element


def title_slide(prs: PresentationType, title: str, subtitle: str) -> Slide:
    slide = prs.slides.add_slide(layout(prs, TITLE))
    set_title(slide, title, size=38)
    slide.placeholders[1].text = subtitle
    return slide


def _in_danish(prs: PresentationType) -> None:
    """Every run of text on the slides and in the notes is marked Danish (da-DK)."""
    frames = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            frames.append(slide.notes_slide.notes_text_frame)
    for frame in frames:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.language_id = MSO_LANGUAGE_ID.DANISH


def saved(prs: PresentationType, stamp: str) -> bytes:
    _in_danish(prs)
    prs.core_properties.language = "da-DK"  # what LibreOffice tags the PDF with
    # Title and author as a file manager, a screen reader and the PDF show them: the first
    # slide's title; not python-pptx's "generated using python-pptx".
    first = prs.slides[0].shapes.title if len(prs.slides) else None
    prs.core_properties.title = first.text_frame.text if first is not None else ""
    prs.core_properties.author = "KiAP"
    prs.core_properties.comments = ""
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise(buffer.getvalue(), stamp)
