"""Side effects: mail, rendering, storage, catalog look-ups. Each activity is idempotent."""
