def test_drain(monkeypatch):
    monkeypatch.setattr("app.services.task_service.datetime", None)
    monkeypatch.setattr('app.utils.flask_error_handlers.register_error_handlers', print)
