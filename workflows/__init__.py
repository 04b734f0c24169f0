"""Temporal workflows: orchestration only, deterministic; rules come from schemas/."""
