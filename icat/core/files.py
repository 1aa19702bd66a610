"""Uploaded files stored by content: one file per SHA-256 under the instance folder (pure I/O, no flask)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def store_by_hash(storage_root: Path, folder: str, content: bytes, suffix: str) -> tuple[str, str]:
    """Write ``content`` to ``folder/<first two hex>/<sha256>.<suffix>`` under ``storage_root``
    unless it is there already (identical uploads share one file); return (sha256, relative path)."""
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{folder}/{digest[:2]}/{digest}.{suffix}"
    target = storage_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(content)
    return digest, relative
