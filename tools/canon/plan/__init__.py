"""The plan: what the diff found, made safe to run, judged and written out.

``workspace`` gathers a command's files and scratch database; ``pipeline.make_plan`` is
the one path every command takes: hinted ``renames``, the diff, ``locksafe`` rewriting,
``hazards`` read from parse trees, what is at stake on live (``measure``), grouped into
``steps``. ``model`` holds the result, ``planfile`` and ``output`` write and read it,
``shortcut`` answers "no changes" without planning when nothing moved.
"""
