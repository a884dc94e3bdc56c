"""Checks that compare without changing anything: drift (CI's gate) and verify (an inventory).

``drift`` plans against live and reports what a plan would change, what no planner
handles (catalog residuals) and reference rows that differ from ``seeds/``; ``verify``
counts what each schema holds and whether it matches the files.
"""
