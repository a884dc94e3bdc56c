"""The project's files: settings, schema files, templates, tenants, load order, seeds, revisions.

``project`` resolves what a command works on once (``canon.toml`` and the tenant list);
``sources`` reads and splits the schema files with PostgreSQL's parser, rendering jinja2
templates (``templates``) once per tenant (``tenants``, ``tenancy``); ``loadorder`` puts
statements after what they name; ``seeds`` reads reference data; ``gitref`` reads the
files as committed at a git revision.
"""
