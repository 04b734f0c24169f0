"""The domain's language: pydantic models and pure decisions. No I/O, no Temporal."""
