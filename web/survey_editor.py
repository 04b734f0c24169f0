"""The survey's questions as a form the coordinator edits without JavaScript: one fieldset
per question (text, type, options one per line, "ved ikke", required, its place, remove) and
an empty one to add a question. Turned back into a template with the same validation as the
CLI's questions file; every problem lands on its question's field."""

from __future__ import annotations

import re
import unicodedata

from pydantic import ValidationError

from schemas.package.model import Question, QuestionType, SurveyTemplate
from schemas.shared.errors import DomainError, DomainErrors, from_validation_error

TYPES = {
    QuestionType.RATING: "Skala (én af flere, i rækkefølge)",
    QuestionType.SINGLE_CHOICE: "Ét svar",
    QuestionType.MULTIPLE_CHOICE: "Flere svar mulige",
    QuestionType.FREE_TEXT: "Fritekst",
}
PARTS = ("text", "type", "options", "dont_know", "required", "place", "remove", "id")


def template_fields(template: SurveyTemplate) -> dict[str, str]:
    """The form's values for a template (and one empty question to add)."""
    values = {"title": template.title}
    for index, q in enumerate(template.questions):
        values |= {
            f"q{index}_id": q.id,
            f"q{index}_text": q.text,
            f"q{index}_type": q.type.value,
            f"q{index}_options": "\n".join(q.options),
            f"q{index}_place": str(index + 1),
        }
        if q.dont_know:
            values[f"q{index}_dont_know"] = "ja"
        if q.required:
            values[f"q{index}_required"] = "ja"
    return values


def rows(values: dict[str, str]) -> list[int]:
    """The question numbers the form holds, the empty one to add included."""
    found = {int(m.group(1)) for k in values if (m := re.match(r"q(\d+)_", k))}
    return sorted(found)


def _new_id(text: str, taken: set[str]) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(table))
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.encode("ascii", "ignore").decode()).strip("_")
    base = (base or "spoergsmaal")[:30]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def template_from(values: dict[str, str]) -> SurveyTemplate:
    """The edited template; DomainErrors with fields ``q<n>_<part>`` (or ``title``)."""
    errors: list[DomainError] = []
    kept: list[tuple[float, int, dict[str, object]]] = []
    taken = {values[f"q{n}_id"] for n in rows(values) if values.get(f"q{n}_id")}
    for n in rows(values):
        text = values.get(f"q{n}_text", "").strip()
        if values.get(f"q{n}_remove") == "ja" or (not text and not values.get(f"q{n}_id")):
            continue  # removed, or the empty row left empty
        qid = values.get(f"q{n}_id") or _new_id(text, taken)
        taken.add(qid)
        place = values.get(f"q{n}_place", "").strip()
        try:
            order = float(place.replace(",", ".")) if place else n + 1
        except ValueError:
            errors.append(DomainError(f"q{n}_place", "skal være et tal, fx 2"))
            order = n + 1
        kept.append(
            (
                order,
                n,
                {
                    "id": qid,
                    "text": text,
                    "type": values.get(f"q{n}_type", ""),
                    "options": [
                        line.strip()
                        for line in values.get(f"q{n}_options", "").splitlines()
                        if line.strip()
                    ],
                    "dont_know": values.get(f"q{n}_dont_know") == "ja",
                    "required": values.get(f"q{n}_required") == "ja",
                },
            )
        )
    questions = []
    for _, n, data in sorted(kept, key=lambda k: (k[0], k[1])):
        if data["type"] == QuestionType.FREE_TEXT.value:
            data["options"] = []
        try:
            questions.append(Question.model_validate(data))
        except ValidationError as exc:
            for error in from_validation_error(exc).errors:
                # The question's own rules name their part ("options"); pydantic's the field.
                last = error.field.rsplit(".", 1)[-1]
                part = last if last in PARTS else "text"
                message = re.sub(r"^spørgsmål '[^']*': ", "", error.message)
                errors.append(DomainError(f"q{n}_{part}", message))
    if not questions and not errors:
        errors.append(DomainError("q0_text", "spørgeskemaet skal have mindst ét spørgsmål"))
    title = values.get("title", "").strip()
    if not title:
        errors.append(DomainError("title", "skriv spørgeskemaets titel"))
    if errors:
        raise DomainErrors(errors)
    try:
        return SurveyTemplate(title=title, questions=questions)
    except ValidationError as exc:
        raise DomainErrors(
            [DomainError("title", e.message) for e in from_validation_error(exc).errors]
        ) from None
