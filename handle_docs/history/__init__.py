"""The force folder's history: every save and sign-off a git commit by the person who made it
(:mod:`.repo`), the versions of a material in words (:mod:`.log`, each commit read once ever:
:mod:`.cache`), any past letter made again (services/reprint.py), an off-site copy (:mod:`.push`) and
tamper evidence (:mod:`.verify`)."""
