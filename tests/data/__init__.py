"""Tests of canon's data wing."""
