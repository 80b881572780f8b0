"""Reads of the AM side, each starting from the scoping door (``tandem.core.scoping.scoped``).

Selectors own their joins, so a list costs a fixed number of queries whatever its size."""
