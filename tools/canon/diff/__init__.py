"""The diff: the statements that turn the live database into the files, kind by kind.

``compare.diff`` runs migra between the hooks of the registered object kinds
(``kinds/``, each fulfilling the contract of ``kind``) and has ``ordering`` arrange the
result. The kinds' SQL also makes up the live ``fingerprint`` (the no-change shortcut
and stale-plan check) and the ``catalog`` signatures (what still differs after a plan).
The other modules are the machinery kinds share: what a change forces the plan to
recreate, inheritance, partitions, generated columns, relation options, immutable objects.
"""
