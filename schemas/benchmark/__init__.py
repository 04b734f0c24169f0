"""The cluster beside the country: what an order shares of its figures (aggregates only),
and what may be shown of the other clusters' (disclosure control)."""
