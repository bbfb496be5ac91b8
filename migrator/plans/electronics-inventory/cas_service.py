"""Content-addressable storage of the inventory's attachments (the seed's CASService).

The template's ``ContentAddressedStorage`` is the extension point: it hashes,
keys objects ``cas/<sha256>`` and stores identical uploads once, with every S3
call going through the template's ``S3Service``. The inventory keeps its own
service name on top of it.
"""

from common.storage.cas import ContentAddressedStorage


class CASService(ContentAddressedStorage):
    """Attachments stored by content: ``compute_hash``, ``generate_cas_key``, ``upload_cas``."""
