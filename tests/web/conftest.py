"""The OpenID provider process for the staff-login tests (tests/web/oidc.py)."""

from tests.web.oidc import provider  # noqa: F401 (a fixture)
