"""Inspection: reading a database's catalogs into the models the diff compares.

``engine`` is the only door to schemainspect and migra; ``models`` names, with types,
what canon reads of the engine's models; ``prefetch`` inspects databases in the
background and hands the results over, as arguments, to the diff that takes them.
"""
