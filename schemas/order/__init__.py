"""The order aggregate: its request, commands, events, state as a fold, refusals and views."""
