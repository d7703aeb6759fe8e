"""The service's routes, grouped by who may use them (public, candidate, pool, admin)."""
