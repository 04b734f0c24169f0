"""Signed links name the run they were made for: a link of a cancelled order does not act on a
new order under the same id, while links made before runs were named still work."""

from __future__ import annotations

import uuid

from schemas.shared.links import COORDINATOR, SURVEY, LinkSigner, run_tag

SIGNER = LinkSigner(b"a test secret of enough length!!")


def test_a_link_made_for_a_run_names_it_and_belongs_to_it_alone():
    run, other = str(uuid.uuid4()), str(uuid.uuid4())
    found = SIGNER.verify(SIGNER.sign("order-1", 0, COORDINATOR, run), COORDINATOR)
    assert found is not None and found.run == run_tag(run)
    assert found.of_run(run) and not found.of_run(other)


def test_the_run_cannot_be_swapped_or_left_out():
    run = str(uuid.uuid4())
    token = SIGNER.sign("round-1", 2, SURVEY, run)
    target, member, tag, signature = token.split(".")
    swapped = f"{target}.{member}.{run_tag(str(uuid.uuid4()))}.{signature}"
    assert SIGNER.verify(swapped, SURVEY) is None
    assert SIGNER.verify(f"{target}.{member}.{signature}", SURVEY) is None
    assert tag == run_tag(run)


def test_a_link_from_before_runs_were_named_belongs_to_whichever_runs_now():
    found = SIGNER.verify(SIGNER.sign("order-1", 0, COORDINATOR), COORDINATOR)
    assert found is not None and found.run is None
    assert found.of_run(str(uuid.uuid4()))
