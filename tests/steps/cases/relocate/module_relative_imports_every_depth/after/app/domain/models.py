class Part:
    pass


class Box:
    pass
