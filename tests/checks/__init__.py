"""Tests of canon's checks wing."""
