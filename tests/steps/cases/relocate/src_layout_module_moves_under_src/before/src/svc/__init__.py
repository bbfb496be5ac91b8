from .domain.catalog import CatalogService
