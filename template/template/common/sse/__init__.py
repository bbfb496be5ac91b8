"""Server-sent events through the SSE Gateway: connection tracking, sending, the callback route."""
