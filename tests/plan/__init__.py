"""Tests of canon's plan wing."""
