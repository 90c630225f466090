"""Services: load from the DB, call the policy, persist, audit. The only code that commits."""
