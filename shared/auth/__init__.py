"""Identity shared by every service: signed tokens (tokens.py), keys (keys.py) and route access policies (access.py)."""
