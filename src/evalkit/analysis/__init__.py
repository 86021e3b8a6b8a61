"""Derived tables (placeholder)."""
