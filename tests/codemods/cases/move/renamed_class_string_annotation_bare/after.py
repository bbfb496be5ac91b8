from app.schemas.inventory import InventoryPart


def load(data) -> "InventoryPart":
    items: "list[InventoryPart]" = []
    return InventoryPart(**data)
