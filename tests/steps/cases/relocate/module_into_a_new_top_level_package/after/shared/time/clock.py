from app.utils.formats import ISO
from app.utils import formats


def stamp():
    return ISO, formats.ISO
