from ..utils.shutdown_coordinator import LifetimeEvent


def on_event(event: LifetimeEvent) -> None:
    print(event)
