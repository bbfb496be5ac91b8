class BaseTask:
    pass


def helper():
    return 1
