"""A cluster package as data: its program, survey template, process and words (the
catalog's model)."""
