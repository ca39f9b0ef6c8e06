"""3D and AR files of a product (GLB, USDZ): what an upload must be. Pure (standard library only).

- **GLB** (binary glTF 2.0): a 12-byte header — magic `glTF`, version 2, total length equal to the file's — then
  chunks of (length, type, data), the first a JSON chunk, each inside the file and 4-byte aligned.
- **USDZ**: a zip archive, stored without compression (the format requires it so files can be mapped in place), whose
  first entry is a `.usdc` or `.usda` layer; the archive holds at most `max_entries` entries and `max_bytes` in all.

Nothing is rendered or unpacked on the server: the storefront only offers the file to download or to open in AR."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from enum import StrEnum

GLB_MAGIC = b"glTF"
GLB_CHUNK_JSON = 0x4E4F534A
GLB_CHUNK_BIN = 0x004E4942


class ModelKind(StrEnum):
    GLB = "glb"
    USDZ = "usdz"


KIND_CONTENT_TYPES = {ModelKind.GLB: "model/gltf-binary", ModelKind.USDZ: "model/vnd.usdz+zip"}


class ModelRefused(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason  # "too_large", "unsupported_type" or "invalid"
        self.message = message


@dataclass(frozen=True)
class ModelLimits:
    max_bytes: int
    max_entries: int = 64


def sniff_model_kind(head: bytes) -> ModelKind | None:
    if head.startswith(GLB_MAGIC):
        return ModelKind.GLB
    if head.startswith(b"PK\x03\x04"):
        return ModelKind.USDZ
    return None


def validate_model(content: bytes, limits: ModelLimits) -> ModelKind:
    """The kind of a valid GLB or USDZ file, or ModelRefused saying why not."""
    if len(content) > limits.max_bytes:
        raise ModelRefused("too_large", f"The file is larger than {limits.max_bytes} bytes.")
    kind = sniff_model_kind(content[:4])
    if kind is None:
        raise ModelRefused("unsupported_type", "Send a GLB (binary glTF 2.0) or a USDZ file.")
    if kind == ModelKind.GLB:
        validate_glb(content)
    else:
        validate_usdz(content, limits)
    return kind


def validate_glb(content: bytes) -> None:
    if len(content) < 20:
        raise ModelRefused("invalid", "The GLB file is shorter than its header.")
    magic, version, length = struct.unpack_from("<4sII", content, 0)
    if magic != GLB_MAGIC:
        raise ModelRefused("invalid", "The file does not start with the GLB magic 'glTF'.")
    if version != 2:
        raise ModelRefused("invalid", f"Only glTF 2.0 is accepted; this file says version {version}.")
    if length != len(content):
        raise ModelRefused("invalid", f"The GLB header announces {length} bytes; the file has {len(content)}.")
    offset, first = 12, True
    while offset < length:
        if offset + 8 > length:
            raise ModelRefused("invalid", "A GLB chunk header runs past the end of the file.")
        chunk_length, chunk_type = struct.unpack_from("<II", content, offset)
        if first and chunk_type != GLB_CHUNK_JSON:
            raise ModelRefused("invalid", "The first GLB chunk must be the JSON chunk.")
        if chunk_length % 4 or offset + 8 + chunk_length > length:
            raise ModelRefused("invalid", "A GLB chunk is misaligned or runs past the end of the file.")
        offset += 8 + chunk_length
        first = False


def validate_usdz(content: bytes, limits: ModelLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ModelRefused("invalid", "The USDZ file is not a readable zip archive.") from error
    if not entries:
        raise ModelRefused("invalid", "The USDZ archive is empty.")
    if len(entries) > limits.max_entries:
        raise ModelRefused("invalid", f"The USDZ archive holds more than {limits.max_entries} files.")
    if not entries[0].filename.lower().endswith((".usdc", ".usda")):
        raise ModelRefused("invalid", "The first file of a USDZ archive must be a .usdc or .usda layer.")
    if any(entry.compress_type != zipfile.ZIP_STORED for entry in entries):
        raise ModelRefused("invalid", "USDZ archives are stored without compression.")
    if sum(entry.file_size for entry in entries) > limits.max_bytes:
        raise ModelRefused("too_large", f"The USDZ archive unpacks to more than {limits.max_bytes} bytes.")
