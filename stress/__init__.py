"""Load, faults and hostile input against a real SQLite file and PostgreSQL database.

``python -m stress`` (``make stress``) runs each scenario as separate
processes against throwaway databases and prints what it proved; see the
README's "Reliability" section.
"""
