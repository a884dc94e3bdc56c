"""Tests of canon's projects wing."""
