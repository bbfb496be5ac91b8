from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""
