"""The workflow sandbox, with the project's pure libraries passed through.

Babel, holidays and email-validator import lazily and cache with locks; inside the sandbox
that is refused. They are deterministic, so they are passed through, as are our own pure
layers (schemas, catalog models), which also keeps model classes identical inside and out.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

PASSTHROUGH = (
    "schemas",
    "activities",
    "renderers",
    "catalog",
    "pydantic",
    "pydantic_core",
    "babel",
    "holidays",
    "email_validator",
    "idna",
    "dateutil",
    "icalendar",
    "jinja2",
    "yaml",
    "structlog",
)


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
    )
