"""Shared fixtures: a time-skipping Temporal server, an SMTP sink, settings in a tmp folder."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from temporalio.testing import WorkflowEnvironment

from client.payload_codec import PayloadKeys, encrypted_converter
from client.search_attribute_setup import register_search_attributes
from klyngepakke.config import Settings
from klyngepakke.dev.smtp_sink import SmtpSink

# `make test` draws the same examples on every run, so a red CI is a real finding, never the
# luck of the draw; `HYPOTHESIS_PROFILE=explore` searches wider and differently each time
# (what it finds becomes an explicit test).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# A fixed key, so the recorded histories (encrypted as in production) replay in every run.
TEST_PAYLOAD_KEYS = "test:" + base64.b64encode(bytes(range(32))).decode()
TEST_CONVERTER = encrypted_converter(PayloadKeys.parse(TEST_PAYLOAD_KEYS))


def binary(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).is_file():
        pytest.exit(f"{name} not found: install the project with `make install`", returncode=3)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=TEST_CONVERTER,
    )
    await register_search_attributes(environment.client)
    async with environment:
        yield environment


@pytest.fixture(scope="module")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The local dev server (real time, real visibility): for what lists orders by their
    search attributes (the staff's task list), which the time-skipping server cannot answer.
    One per module, stopped after it: an idle server for the rest of the run takes CPU the
    time-skipping tests need on a loaded machine."""
    from workflows import search_attributes

    environment = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=search_attributes.ALL,
        data_converter=TEST_CONVERTER,
        ui=False,
    )
    async with environment:
        yield environment


@pytest.fixture()
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    smtp = SmtpSink(tmp_path / "mail", port=free_port())
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.fixture()
def settings(tmp_path: Path, sink: SmtpSink) -> Settings:
    return Settings(  # type: ignore[call-arg]
        var_dir=tmp_path / "var",
        smtp_port=sink.port,
        payload_keys=TEST_PAYLOAD_KEYS,
        _env_file=None,
    )


@pytest.fixture(scope="session")
def executor() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One real PostgreSQL for the run (Debian's server, started by the tests)."""
    from bench.postgres import running_postgres

    with running_postgres() as server:
        yield server


@pytest.fixture()
def database_url(postgres: object) -> Iterator[str]:
    """A database of its own for this test; the pools it opened closed after it."""
    from bench.postgres import Postgres
    from storage.postgres import close_databases

    assert isinstance(postgres, Postgres)
    yield postgres.create_database(f"test_{os.urandom(6).hex()}")
    close_databases()
