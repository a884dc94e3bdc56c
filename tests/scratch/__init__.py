"""Tests of canon's scratch wing."""
