"""Application core: settings, dependency container, app factory helpers, runner, shutdown."""
