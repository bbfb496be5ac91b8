from app.schemas.part import PartSchema


def load(data) -> "PartSchema":
    items: "list[PartSchema]" = []
    return PartSchema(**data)
