"""Practice labels: stable for an order (and so for its follow-up), drawn with the server
secret, and in an order that says nothing about the provider numbers."""

from __future__ import annotations

from activities.practice_labels import PracticeLabeller

PRACTICES = [f"0{n}1234" for n in range(1, 9)]


def test_labels_are_stable_for_an_order_and_cover_every_practice():
    labeller = PracticeLabeller(b"a secret of sufficient length!!!")
    first = labeller.labels("order-1", PRACTICES)
    assert first == labeller.labels("order-1", list(reversed(PRACTICES)))
    assert sorted(first.values()) == [f"Praksis {c}" for c in "ABCDEFGH"]


def test_labels_depend_on_the_secret_and_not_on_the_numbers_order():
    one = PracticeLabeller(b"a secret of sufficient length!!!")
    other = PracticeLabeller(b"another secret, just as long!!!!")
    assert one.labels("order-1", PRACTICES) != other.labels("order-1", PRACTICES)
    # Across orders the labels are shuffled: rarely (never, here) in provider-number order.
    in_number_order = {f"Praksis {c}" for c in "ABCDEFGH"}
    sorted_orders = [
        order_id
        for order_id in (f"order-{n}" for n in range(30))
        if [one.labels(order_id, PRACTICES)[p] for p in PRACTICES] == sorted(in_number_order)
    ]
    assert sorted_orders == []
