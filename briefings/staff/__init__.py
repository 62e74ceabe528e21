"""Staff accounts: the second factor, idle sessions, re-authentication, login records.

A root package, not an app: it has no models of its own (django-otp's and django-axes' serve),
and it imports no app of ours, so the admin site and any app's admin may use it.
"""
