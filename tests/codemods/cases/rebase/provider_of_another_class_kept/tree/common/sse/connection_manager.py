class ConnectionManager:
    pass
