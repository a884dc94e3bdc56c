"""Tests of canon's pg wing."""
