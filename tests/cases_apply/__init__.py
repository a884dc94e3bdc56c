"""Tests of canon's cases_apply wing."""
