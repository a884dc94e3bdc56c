"""Tests of canon's run wing."""
