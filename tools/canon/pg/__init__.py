"""PostgreSQL plumbing: addresses, connections, quoting, parse trees, clusters, dump and restore.

The lowest wing: everything else talks to PostgreSQL through it. ``dburl`` parses and
masks addresses, ``db`` opens connections and turns driver errors into canon's own,
``quoting`` writes identifiers and literals, ``parsing`` shares PostgreSQL's parse trees,
``cluster`` runs the embedded clusters (as an unprivileged user when canon runs as
root), ``backup`` wraps pg_dump and pg_restore, ``switches`` reads ``CANON_…`` switches.
"""
