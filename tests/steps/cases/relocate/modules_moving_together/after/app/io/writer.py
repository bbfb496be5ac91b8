from . import reader
from .reader import read


def write():
    return read() + reader.read()
