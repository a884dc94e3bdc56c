"""Tests of canon's cases wing."""
