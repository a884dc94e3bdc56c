"""Fleets: one set of files, many databases, each command run over all of them.

An environment of canon.toml may name many databases (``files.environments``); ``plan``,
``drift`` and ``apply`` then cover every one. Each database is reached on its own
connection, within a timeout, and fingerprinted (``targets``); databases with the same
files and the same fingerprint form a cohort (``cohorts``), planned and rehearsed once
against one scratch database per content hash on one shared scratch server. Then each
database gets its own part: stakes, drift of its rows, its own apply and journal.
``plan`` groups databases that need the same statements (``plan``, written as one plan
file with a section per group by ``planfile``), ``apply`` runs a canary first, then the
rest (``apply``), ``drift`` ends with a matrix (``drift``), and ``history`` reads one
run across the fleet. A database that cannot be reached is reported as such, never
skipped in silence.
"""
