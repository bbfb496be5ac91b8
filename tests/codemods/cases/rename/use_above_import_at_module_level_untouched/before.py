"""A module-level use above the import does not read the import; a function's does."""

EARLY = globals().get("ServiceContainer", ServiceContainer)


def later():
    return ServiceContainer()


from app.container import ServiceContainer  # noqa: E402

LATE = ServiceContainer
