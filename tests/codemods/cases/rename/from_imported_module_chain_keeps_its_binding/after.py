from svc import di


def build() -> "di.AppContainer":
    return di.AppContainer(), di.other
