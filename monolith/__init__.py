"""The monolith: one app that serves all five operations."""
