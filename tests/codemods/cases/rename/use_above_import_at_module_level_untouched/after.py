"""A module-level use above the import does not read the import; a function's does."""

EARLY = globals().get("ServiceContainer", ServiceContainer)


def later():
    return AppContainer()


from app.container import AppContainer  # noqa: E402

LATE = AppContainer
