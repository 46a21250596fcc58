"""The clientdeck domain: tables, rules, queries and reports.

Nothing below this package imports textual or rich, so every rule can be used
from the shell, from tests and from any other front end.
"""
