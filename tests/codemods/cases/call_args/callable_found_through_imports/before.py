import json as stdlib_json

from flask import json
from flask.json import dumps
from flask.json import dumps as flask_dumps


def render(payload):
    return (
        dumps(payload),
        json.dumps(payload),
        flask_dumps(payload, indent=2),
        stdlib_json.dumps(payload),
    )
