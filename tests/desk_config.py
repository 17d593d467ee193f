"""The [operators] table a production-shaped test config carries (DESIGN.md: a production config
requires one): the OS account running the tests is operator "test-op", the id the demo-mode tests
use too, so a test's records read the same either way."""
from __future__ import annotations

import getpass

OPERATORS = f'\n[operators]\nauth = "os"\n\n[operators.os_map]\n"{getpass.getuser()}" = "test-op"\n'
