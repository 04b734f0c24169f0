"""What the project keeps itself, beside Temporal: documents, uploads and
the mail outbox (stores.py picks folders or PostgreSQL). Used by the
activities (which render and read) and by the web app and CLI (which take uploads and serve
downloads), so neither has to go through the other."""
