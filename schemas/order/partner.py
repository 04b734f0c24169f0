"""The order's partner (the job centre in the certificates package) as the package names it:
who is mailed in its role, and the steps' labels in the package's words."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.order.events import Role
from schemas.order.request import OrderRequest
from schemas.order.steps import Step
from schemas.package.model import Package
from schemas.package.process import PartnerTexts
from schemas.shared.people import Person


def partner_contacts(order: OrderRequest, package: Package | None) -> list[Person]:
    """Who is mailed in the partner's role: nobody when the package has no partner (or the
    order names none). ``package`` None is a package not loaded yet: the old full process."""
    has_partner = package is None or package.process.partner
    if not has_partner or order.municipality is None:
        return []
    return [order.municipality.jobcenter_contact]


def recipients(
    order: OrderRequest, consultant: Person, package: Package | None, roles: Sequence[Role]
) -> list[Person]:
    """The people of ``roles`` on an order, in that order (the order's and its follow-up
    meeting's mails alike)."""
    people: dict[Role, list[Person]] = {
        "coordinator": [order.coordinator],
        "consultant": [consultant],
        "partner": partner_contacts(order, package),
        "members": list(order.members),
    }
    return [person for role in roles for person in people[role]]


def step_label(step: Step, partner: PartnerTexts | None) -> str:
    """A stage's Danish label; the partner's stages name the package's partner (an order
    recorded before packages named theirs keeps the job centre's labels)."""
    if partner is not None and step == Step.PARTNER:
        return f"{partner.name[:1].upper()}{partner.name[1:]}: drejebog og datatræk"
    if partner is not None and step == Step.PREMEETING:
        return f"Formøde med {partner.definite}"
    return step.label
