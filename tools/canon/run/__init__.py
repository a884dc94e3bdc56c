"""Running a plan: apply, rehearsal, step runner, journal, tenant fan-out, history.

``apply.apply_plan`` takes the apply lock, plans or checks a saved plan, refuses what was
not allowed, rehearses on a copy of live (``rehearsal``), then runs the steps under lock
and statement timeouts with retries (``runner``), tenant by tenant where there are
tenants (``fanout``), recording each step in canon's own schema (``journal``, read back
by ``history``).
"""
