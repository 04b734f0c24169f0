"""The survey round aggregate: one round's plan, events, state as a fold and refusals."""
