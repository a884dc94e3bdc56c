"""Tests of canon's inspection wing."""
