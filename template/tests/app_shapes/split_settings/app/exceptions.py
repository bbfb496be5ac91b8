"""Domain exceptions."""


class RecordNotFoundException(Exception):
    error_code = "RECORD_NOT_FOUND"
