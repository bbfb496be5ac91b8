from svc import di


def build() -> "di.Services":
    return di.Services(), di.other
