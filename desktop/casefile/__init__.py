"""The case file: the append-only, hash-chained record of every check and decision, its
verification, the record rules, the PDF record sheet and the monthly statistics.

May import `check/` and `site/`. Start reading at `store.py` (`CaseFile.record`), then `record.py`
(what a record holds and how it is hashed) and `verify.py` (`cases verify`)."""
