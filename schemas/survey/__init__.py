"""The survey's answers and how far a round got: what the order, the rounds and the decks share."""
