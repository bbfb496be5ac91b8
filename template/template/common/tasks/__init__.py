"""Background tasks: a thread pool that runs long operations and streams their progress."""
