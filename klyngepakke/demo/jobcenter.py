"""The demo's job centre: it opens its mail, sends a file with mistakes through the upload
link and reads the report, then fills in the pre-filled template and sends that."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from email.message import EmailMessage

from openpyxl import load_workbook

from klyngepakke.config import PROJECT_ROOT, Settings
from klyngepakke.demo.mailbox import mailbox
from klyngepakke.demo.people import browser

EXAMPLES = PROJECT_ROOT / "examples"
TEMPLATE = "datatraek-skabelon.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def guide_mail(settings: Settings, order_id: str) -> EmailMessage | None:
    return next(iter(mailbox(settings.mail_dir).messages(order_id, "partner_guide")), None)


def fill_in(template: bytes) -> bytes:
    """The job centre's figures: two certificate types for most practices, none for the
    last one, which it could not find in its system (shown as 'ikke oplyst')."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["Datatræk"]
    practices = [
        str(row[0].value) for row in sheet.iter_rows(min_row=2) if row[0].value is not None
    ]
    next_row = len(practices) + 2
    for index, ydernummer in enumerate(practices[:-1]):
        row = index + 2
        sheet.cell(row=row, column=2, value="LÆ 265")
        sheet.cell(row=row, column=3, value=18 + 9 * index)
        sheet.cell(row=row, column=4, value=21 + 9 * index)
        sheet.cell(row=row, column=5, value=6.5 + 2.5 * index)
        sheet.cell(row=next_row, column=1, value=ydernummer)
        sheet.cell(row=next_row, column=2, value="LÆ 285")
        sheet.cell(row=next_row, column=3, value=3 + index)
        next_row += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _page_lines(page: str) -> list[str]:
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", page)]


async def act_as_jobcenter(settings: Settings, order_id: str, say: Callable[[str], object]) -> bool:
    """Upload once the guide mail is there; False while it has not arrived."""
    message = guide_mail(settings, order_id)
    if message is None:
        return False
    body = message.get_body(("plain",))
    found = re.search(r"https?://\S+/u/\S+", body.get_content() if body else "")
    template = next(
        (p.get_content() for p in message.iter_attachments() if p.get_filename() == TEMPLATE),
        None,
    )
    if found is None or template is None:
        say("Jobcenterets mail mangler uploadlinket eller skabelonen.")
        return True
    link = found.group(0)
    async with browser(60) as http:
        broken = (EXAMPLES / "datatraek-med-fejl.csv").read_bytes()
        refused = await http.post(link, files={"fil": ("datatraek.csv", broken, "text/csv")})
        say(f"Jobcenteret sendte en fil med fejl; siden svarede {refused.status_code}:")
        for line in _page_lines(refused.text):
            say(f"  - {line}")
        accepted = await http.post(link, files={"fil": (TEMPLATE, fill_in(template), XLSX)})
        heading = re.search(r"<p>(Datatrækket.*?)</p>", accepted.text)
        say(
            f"Jobcenteret sendte den udfyldte skabelon; siden svarede {accepted.status_code}: "
            + (html.unescape(heading.group(1)) if heading else "")
        )
    return True
