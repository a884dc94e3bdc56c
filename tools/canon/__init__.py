"""canon: declarative, SQL-first schema management for PostgreSQL."""

__version__ = "0.1.0"
