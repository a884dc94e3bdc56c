"""Tests of canon's bad_input wing."""
