"""Tests of canon's cli wing."""
