"""Services: what the command line and the workspace both do, above ``run/``, ``outputs/`` and
``history/`` and below ``commands/`` and ``web/``: the letters run, its queue, the worker that makes
queued runs, previews and proofs (one renderer table, one watermark rule, one set of sample letters),
reprints of past letters and making a force's folder (``init``)."""
