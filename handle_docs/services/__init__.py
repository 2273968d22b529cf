"""Services: what the command line and the workspace both do, above ``run/`` and ``outputs/``
and below ``commands/`` and ``web/`` (the letters run, its queue, the worker that makes queued runs)."""
