"""The ``canon`` command line: a thin layer that resolves settings, calls the library, prints.

``main`` is the entry point (``run`` for tests), ``app`` holds the group, the console and
the shared options, and each other module registers one command or group. Library code
never prints, exits or imports click; it raises ``CanonError``s, which ``main`` turns
into one line and an exit code.
"""
