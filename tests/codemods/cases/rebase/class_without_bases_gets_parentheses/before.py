class PartCache:
    """Caches parts."""

    size = 10
