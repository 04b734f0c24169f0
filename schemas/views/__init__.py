"""Read models across aggregates: what a page shows that no one aggregate holds."""
