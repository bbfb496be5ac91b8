from common.core.shutdown import LifetimeEvent


def on_event(event: LifetimeEvent) -> None:
    print(event)
