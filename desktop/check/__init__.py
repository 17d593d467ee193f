"""What a code is and what a check says about it: parsing (GB 32100 / GB 11643), the domain model,
the policy (which entries count, which measures bind whom, the suggested outcome), the check
path shared by the window, the command line and the tests, and a check asked for by the hall's
approval system (`request.py`).

May import `site/` and `offline_cache`. Start reading at `checker.py` (`Checker.check`: parse →
platform within the deadline → else the offline snapshot → else unverified), then `policy.py`."""
