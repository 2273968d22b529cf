"""What a document says before it is laid out: letters grouped from the records (``letters.py``), the
data each template prints (``context.py``: wording chosen, dates, QR codes from ``qr.py``) and the
sample letters previews and proofs are made with (``scenarios.py``). Below render, review and run, which
all use it; it renders nothing."""
