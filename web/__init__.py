"""The web app: the pages people reach from their mails, the public order form, KiAP's
workbench behind OpenID Connect, and the codec endpoint the Temporal UI calls."""
