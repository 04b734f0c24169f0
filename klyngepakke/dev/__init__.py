"""The embedded stack for a laptop and the tests: Temporal's dev server, the SMTP sink."""
