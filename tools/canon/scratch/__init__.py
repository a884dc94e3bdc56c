"""Scratch databases: the files built into a database nothing writes to, and copies of live.

``host`` picks the server (the in-memory scratch cluster, live's server, or canon's
own), ``loader`` loads statements in dependency order and in batches, ``cache`` keeps one
database per content hash and prunes old ones, ``livecopy`` restores live's schema into
a throwaway database for renames and rehearsals.
"""
