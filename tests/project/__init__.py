"""Tests of the project's own schema/: its constraints, triggers and data."""
