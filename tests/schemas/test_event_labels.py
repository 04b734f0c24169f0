"""Every event a workflow shows has a Danish name on the staff's pages; what the order notes
for itself (``Noted``) is shown nowhere and needs none."""

from typing import get_args

from schemas.order.event_labels import EVENT_LABELS, event_label
from schemas.order.events import DomainEvent, Noted


def test_every_domain_event_has_a_danish_label() -> None:
    union = get_args(DomainEvent)[0]
    types = {
        cls.model_fields["type"].default for cls in get_args(union) if not issubclass(cls, Noted)
    }
    assert types - EVENT_LABELS.keys() == set(), "events without a Danish label"
    assert EVENT_LABELS.keys() - types == set(), "labels for events that do not exist"


def test_an_unknown_event_shows_as_itself() -> None:
    assert event_label("SomethingNew") == "SomethingNew"
    assert event_label("OrderCancelled") == "Bestillingen er annulleret"
