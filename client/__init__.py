"""The typed client: the one way the CLI, the web app and the demo talk to Temporal."""
