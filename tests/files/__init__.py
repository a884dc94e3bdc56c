"""Tests of canon's files wing."""
