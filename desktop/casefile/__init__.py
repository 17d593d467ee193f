"""The case file: the append-only, hash-chained record of every check and decision, its head
witness and verification, the record rules, the access records of person lookups, credit
commitments, the post-approval watch, the PDF record sheet and the monthly statistics.

May import `check/` and `site/` (and QtGui, headless, for the record sheet only). Start reading at
`store.py` (`CaseFile.record_check`), then `record.py` (what a record holds and how it is hashed)
and `verify.py` (`cases verify`)."""
