"""One router per page (the FastAPI full-stack template's ``api/routes`` layout)."""
