"""The MQTT connection, as far as health is concerned."""


class MqttService:
    def __init__(self, url: str) -> None:
        self.url = url
        self.connected = True

    def is_connected(self) -> bool:
        return self.connected
