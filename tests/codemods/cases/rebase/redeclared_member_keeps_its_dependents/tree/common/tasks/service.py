class TaskService:
    pass
