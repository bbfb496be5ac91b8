from app.services.sse import routes
from app.services.sse.routes import sse_bp
import app.services.sse.connection

BLUEPRINTS = [sse_bp, routes]
CONN = app.services.sse.connection.ConnectionManager
PATCH = "app.services.sse.connection.requests.post"
