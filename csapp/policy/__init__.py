"""The scheme's rules, pure: dataclasses in, explained results out (no Flask, no SQLAlchemy)."""
