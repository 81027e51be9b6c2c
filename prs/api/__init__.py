"""HTTP layer: one blueprint per operation, plus health checks and error handlers."""
