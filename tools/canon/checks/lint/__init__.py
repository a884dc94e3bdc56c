"""Lint: rules over the schema files and over plan files, with no database.

``schema`` reads the files into parse trees and the facts rules share (tables,
columns, constraints, indexes); ``rules/`` holds one rule per module, registered in
``rules/__init__.py``; ``plans`` lints plan files with squawk, in canon's context;
``report`` applies the switches of ``[lint]`` in canon.toml and inline exemptions, and
renders findings as text, JSON or GitHub annotations.
"""
