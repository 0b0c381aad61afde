"""GDPR from the person's side: export all my data, erase my account (requests out, answers gathered)."""
