import json as stdlib_json

from flask import json
from flask.json import dumps
from flask.json import dumps as flask_dumps


def render(payload):
    return (
        dumps(payload, sort_keys=True),
        json.dumps(payload, sort_keys=True),
        flask_dumps(payload, indent=2, sort_keys=True),
        stdlib_json.dumps(payload),
    )
