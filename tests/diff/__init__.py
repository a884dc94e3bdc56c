"""Tests of canon's diff wing."""
