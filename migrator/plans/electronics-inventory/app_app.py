"""The Flask application class, typed so ``current_app.container`` is the app's container."""

from typing import TYPE_CHECKING

from common.core.app import App as BaseApp

if TYPE_CHECKING:
    from app.container import AppContainer


class App(BaseApp):
    """The template's App with the container typed as this app's ``AppContainer``."""

    container: "AppContainer"
