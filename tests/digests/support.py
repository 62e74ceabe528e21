from urllib.parse import urlsplit


def path_of(url):
    """The path and query of an absolute link found in an email, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
