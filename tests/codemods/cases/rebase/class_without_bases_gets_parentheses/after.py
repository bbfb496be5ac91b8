from common.cache import BaseCache


class PartCache(BaseCache):
    """Caches parts."""

    size = 10
