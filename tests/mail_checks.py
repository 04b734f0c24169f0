"""What every mail must be, read as its recipient gets it: plain text and HTML with the same
words, Danish, marked as sent by a machine; and to anyone outside KiAP, no command to run, no
file to write, no mention of the engine and no address of a developer's machine."""

from __future__ import annotations

import re
from email.message import EmailMessage

# The mails to KiAP's consultants; they may link the Temporal UI (and mention the CLI).
STAFF_MAILS = {
    "consultant_task",
    "consultation_escalation",
    "child_failed",
    "render_failed",
    "late_order_request",
}
# What a GP, a caseworker or a job centre must never be asked to do or see.
FORBIDDEN = ("klyngepakke ", ".yaml", "Temporal")


def _text(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    return str(part.get_content()) if part is not None else ""


def mail_problems(messages: list[EmailMessage], no_localhost: bool = False) -> list[str]:
    problems = []
    for message in messages:
        kind = str(message["X-Klyngepakke-Mail"])
        text, html = _text(message, "plain"), _text(message, "html")
        if not text or not html:
            problems.append(f"{kind}: not plain text and HTML")
            continue
        if '<html lang="da">' not in html or message["Auto-Submitted"] != "auto-generated":
            problems.append(f"{kind}: HTML without lang=da or no Auto-Submitted")
        # The same words: each paragraph of the text part is in the HTML part too.
        words = lambda s: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s)).strip()  # noqa: E731
        plain_html = words(html.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"'))
        for line in text.splitlines():
            if line == "-- ":
                continue  # the signature's delimiter (RFC 3676); the HTML part draws a rule
            said = words(line.removeprefix("- ")).split("http")[0].rstrip(": ")[:60]
            if said and said not in plain_html:
                problems.append(f"{kind}: '{said}' is not in the HTML part")
                break
        if kind not in STAFF_MAILS:
            for bad in FORBIDDEN:
                if bad in text or bad in html:
                    problems.append(f"{kind} to someone outside KiAP contains {bad!r}")
            if no_localhost and "localhost" in text + html:
                problems.append(f"{kind} to someone outside KiAP links to localhost")
    return problems
