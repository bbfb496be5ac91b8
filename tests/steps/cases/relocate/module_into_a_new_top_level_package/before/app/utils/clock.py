from .formats import ISO
from . import formats


def stamp():
    return ISO, formats.ISO
