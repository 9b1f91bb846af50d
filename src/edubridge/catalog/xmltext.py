"""What text the catalog refuses: characters XML 1.0 cannot carry (and a database may not store).

Tabs, newlines and carriage returns are text; the other C0 controls, NUL among them, and the
non-characters U+FFFE and U+FFFF would break OAI-PMH records, Atom feeds and PostgreSQL.
"""

import re

UNSAFE = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
