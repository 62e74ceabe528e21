"""The public JSON API, /api/v1/: the desk's records as data (django-ninja, OpenAPI 3).

`v1` never changes shape incompatibly: fields may be added, never renamed or removed.
"""
