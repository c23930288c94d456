"""The Analysis module's services: criteria (what is asked), aggregates (kept as ratings are
written) and figures (what the dashboard, reports and portal show)."""
