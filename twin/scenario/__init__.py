"""Scenario files: schema, loading, validation."""
