def test_drain(monkeypatch):
    monkeypatch.setattr("common.tasks.service.datetime", None)
    monkeypatch.setattr('common.core.app.configure_error_handlers', print)
