"""A package's mail templates, rendered twice: as plain text and as HTML with the same words.

A template is written as plain text: its first line ``Emne: …``, then paragraphs separated
by blank lines, lists as lines starting with ``- ``, and each action a person can take as
``{{ button("Åbn spørgeskemaet", link) }}``. The text part shows a button as its label and
address; the HTML part as a link styled like a button, so the mail reads well without images
and in clients that show only text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError
from markupsafe import Markup

from schemas.order.agreements import owner_in_sentence
from schemas.package.model import current_name
from schemas.shared.danish_format import date_long, date_short, datetime_long
from schemas.shared.errors import DomainError

_URL = re.compile(r"(?<![\"'=])(https?://[^\s<]+[^\s<.,;:!?)])")
BUTTON_STYLE = (
    "display:inline-block;background:#1f4e79;color:#ffffff;text-decoration:none;"
    "font-weight:bold;padding:10px 18px;border-radius:6px"
)


class MailTemplateError(DomainError):
    """A mail template that is missing or does not parse."""


@dataclass(frozen=True)
class MailBody:
    subject: str
    text: str
    html: str


def _text_button(label: str, url: str | None) -> str:
    return f"{label}:\n{url}" if url else ""


def _html_button(label: str, url: str | None) -> Markup:
    if not url:
        return Markup("")
    return Markup('<p class="knap"><a href="{0}" style="{1}">{2}</a></p>').format(
        url, Markup(BUTTON_STYLE), label
    )


def _environment(folder: Path, autoescape: bool, button: Callable[..., Any]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
    )
    env.filters.update(dato=date_long, dato_kort=date_short, dato_tid=datetime_long)
    env.filters["i_saetning"] = owner_in_sentence
    env.globals["button"] = button
    return env


def _block_html(block: str) -> str:
    lines = [line.rstrip() for line in block.strip("\n").split("\n")]
    if all(line.lstrip().startswith('<p class="knap">') for line in lines):
        return "\n".join(line.strip() for line in lines)
    if all(line.startswith("- ") for line in lines):
        items = "".join(f"<li>{_links(line[2:])}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>\n".join(_links(line.strip()) for line in lines) + "</p>"


def _links(escaped: str) -> str:
    return _URL.sub(r'<a href="\1">\1</a>', escaped)


PRIVACY_FOOTER = "Sådan behandler KiAP dine oplysninger"


def html_document(subject: str, body: str, privacy: str | None = None) -> str:
    """The HTML part: ``body`` (escaped text with buttons) in paragraphs, lists and links,
    and the privacy notice's link below a rule."""
    blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip()]
    content = "\n".join(_block_html(b) for b in blocks)
    if privacy:
        content += (
            '\n<hr style="border:0;border-top:1px solid #c8c8c8">\n'
            f'<p style="font-size:13px;color:#4a4a4a">{html.escape(PRIVACY_FOOTER)}: '
            f'<a href="{html.escape(privacy)}">{html.escape(privacy)}</a></p>'
        )
    return (
        '<!doctype html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;'
        'line-height:1.5;color:#1a1a1a;max-width:40em;overflow-wrap:anywhere">\n'
        f"{content}\n</body>\n</html>\n"
    )


class MailTemplates:
    """The templates of one folder; every required one present and parseable at load."""

    def __init__(self, folder: Path, required: tuple[str, ...]) -> None:
        self.folder = folder
        self._text = _environment(folder, autoescape=False, button=_text_button)
        self._html = _environment(folder, autoescape=True, button=_html_button)
        # A mail's template under its old name (schemas/package/model.py RENAMED) still serves.
        self._files = {current_name(path.stem): path.name for path in sorted(folder.glob("*.j2"))}
        for name in required:
            if name not in self._files:
                path = folder / f"{name}.j2"
                raise MailTemplateError(str(path), "mailskabelonen mangler")
            try:
                self._text.get_template(self._files[name])
            except TemplateSyntaxError as exc:
                raise MailTemplateError(str(path), f"linje {exc.lineno}: {exc.message}") from None

    @property
    def names(self) -> list[str]:
        """The folder's mails by their current names."""
        return sorted(self._files)

    def render(self, name: str, privacy: str | None = None, **context: Any) -> MailBody:
        """The mail ``name``; ``privacy`` is the privacy notice's address, for the footer every
        mail ends with (GDPR art. 13: the recipient can read how their data is handled)."""
        file = self._files.get(current_name(name), f"{name}.j2")
        text = self._text.get_template(file).render(**context)
        first, _, body = text.partition("\n")
        if not first.startswith("Emne: "):
            raise MailTemplateError(name, "skabelonen mangler sin 'Emne:'-linje")
        subject = first.removeprefix("Emne: ").strip()
        marked = self._html.get_template(file).render(**context)
        html_body = marked.partition("\n")[2]
        text_body = body.lstrip("\n")
        if privacy:
            text_body = text_body.rstrip("\n") + f"\n\n-- \n{PRIVACY_FOOTER}: {privacy}\n"
        return MailBody(
            subject=subject, text=text_body, html=html_document(subject, html_body, privacy)
        )
