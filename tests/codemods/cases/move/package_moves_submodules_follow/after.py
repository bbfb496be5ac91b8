import common.sse.connection
from common.sse import routes
from common.sse.routes import sse_bp

BLUEPRINTS = [sse_bp, routes]
CONN = common.sse.connection.ConnectionManager
PATCH = "common.sse.connection.requests.post"
