"""The follow-up meeting aggregate: its input and plan, events, state as a fold."""
