"""Raw migra on two ready databases, as a process of its own: ``python -m bench.raw_migra FROM TO``.

It is the reference for canon's diff: inspect both databases, compute every change,
print how many statements that makes.
"""

from __future__ import annotations

import sys
import warnings

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool


def count_changes(source: str, target: str) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # schemainspect imports the deprecated pkg_resources
        from migra import Migration
    engines = [create_engine(url, poolclass=NullPool) for url in (source, target)]
    try:
        with engines[0].connect() as a, engines[1].connect() as b:
            migration = Migration(a, b)
            migration.set_safety(False)
            migration.add_all_changes(privileges=True)
            return len(migration.statements)
    finally:
        for engine in engines:
            engine.dispose()


if __name__ == "__main__":
    print(count_changes(sys.argv[1], sys.argv[2]))
