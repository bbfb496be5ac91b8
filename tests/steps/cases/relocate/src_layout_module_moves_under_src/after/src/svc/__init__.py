from .catalog import CatalogService
