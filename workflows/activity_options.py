"""Timeouts and retry policies, one place: Temporal owns retries, libraries do not."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

MAIL_TIMEOUT = timedelta(minutes=2)
# Mail heartbeats while it sends (activities/heartbeat.py): a dead worker's mail goes out from
# another worker within seconds.
MAIL_HEARTBEAT = timedelta(seconds=20)
# SMTP outages can last hours; keep trying, the sent-ledger prevents doubles.
MAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
RENDER_TIMEOUT = timedelta(minutes=5)
# Renders heartbeat every few seconds (activities/heartbeat.py): a killed worker's render is
# retried elsewhere after this, not after RENDER_TIMEOUT.
RENDER_HEARTBEAT = timedelta(seconds=20)
RENDER_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_attempts=5)
# Counting a round's answers takes milliseconds and does not heartbeat: a worker killed in
# the middle of it (the chaos run met one) is retried after this, not after RENDER_TIMEOUT.
AGGREGATE_TIMEOUT = timedelta(seconds=60)
LOOKUP_TIMEOUT = timedelta(seconds=30)
# A look-up fails only while a worker or its disk is in trouble: keep trying rather than fail
# an accepted order (an unknown package is non-retryable and ends it at once).
LOOKUP_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))
# The course program gates nothing but the teachers' first mail: it retries until it renders
# (a failing render shows as a pending activity with its error in the Temporal UI).
COURSE_RENDER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=10)
)
# Someone waits on the page or the CLI while their file is read: fail soon, not in an hour.
EXTRACT_TIMEOUT = timedelta(minutes=1)
EXTRACT_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=3)
# The benchmark store is a table beside the outbox: a write is retried for some minutes (the
# next delivery of the documents writes again), a deck's read a few times – a deck without the
# country's figures is better than a deck held up by them.
BENCHMARK_TIMEOUT = timedelta(seconds=30)
BENCHMARK_SHARE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=1), maximum_attempts=8
)
BENCHMARK_COMPARE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=3)
