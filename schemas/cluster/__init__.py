"""The cluster aggregate and its coordinator's year (seed 004): commands, events, state,
refusals, views."""
