"""An upgrade package: one zip holding ``manifest.json``, its Ed25519 signature
``manifest.sig`` and ``payload.zip`` (the new version's folder), whose SHA-256 the manifest
names. The till verifies the signature against the pinned release key *before* reading
anything else from the package, then the payload's hash; a failure of either refuses it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

FORMAT = 1
MAX_MANIFEST = 64 * 1024
KEY_FILE = Path(__file__).resolve().parents[2] / "resources" / "upgrade" / "release-key.pub"


class PackageRefused(Exception):
    """Not a package this till may install; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    version: str
    payload_sha256: str
    payload_bytes: int
    notes: str = ""


def trusted_key(path: Path | None = None) -> Ed25519PublicKey:
    path = path or KEY_FILE
    key = load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise PackageRefused(f"{path} is not an Ed25519 public key")
    return key


def generate_key(private_path: Path, public_path: Path) -> None:
    """A new release key pair; the private key file is written 0600 and must stay offline."""
    import os

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(key.public_key().public_bytes(Encoding.PEM,
                                                          PublicFormat.SubjectPublicKeyInfo))


def build(folder: Path, version: str, private_key_pem: bytes, out: Path, notes: str = "") -> Path:
    """Zip ``folder`` as the payload and sign the manifest."""
    key = load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as payload:
        for path in sorted(folder.rglob("*")):
            if path.is_file() or path.is_symlink():
                info = zipfile.ZipInfo.from_file(path, path.relative_to(folder).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                payload.writestr(info, path.read_bytes())
    data = buffer.getvalue()
    manifest = json.dumps({"format": FORMAT, "version": version, "notes": notes,
                           "payload_sha256": hashlib.sha256(data).hexdigest(),
                           "payload_bytes": len(data)}, sort_keys=True).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("manifest.json", manifest)
        package.writestr("manifest.sig", key.sign(manifest))
        package.writestr("payload.zip", data)
    return out


def verify(path: Path, key: Ed25519PublicKey | None = None) -> Manifest:
    """The manifest of a package signed by the release key, or :class:`PackageRefused`."""
    key = key or trusted_key()
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if not {"manifest.json", "manifest.sig", "payload.zip"} <= names:
                raise PackageRefused("not an upgrade package (manifest, signature or payload missing)")
            if package.getinfo("manifest.json").file_size > MAX_MANIFEST:
                raise PackageRefused("the manifest is too large")
            manifest_bytes = package.read("manifest.json")
            signature = package.read("manifest.sig")
            try:
                key.verify(signature, manifest_bytes)
            except InvalidSignature:
                raise PackageRefused("the signature does not match the release key: the package "
                                     "was altered or not made by the release team") from None
            manifest = json.loads(manifest_bytes)
            digest = hashlib.sha256()
            size = 0
            with package.open("payload.zip") as payload:
                for chunk in iter(lambda: payload.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageRefused(f"not a readable upgrade package ({exc})") from None
    except ValueError:
        raise PackageRefused("the manifest is not valid JSON") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("version"), str):
        raise PackageRefused(f"unknown package format {manifest.get('format')!r}")
    if digest.hexdigest() != manifest.get("payload_sha256") or size != manifest.get("payload_bytes"):
        raise PackageRefused("the payload does not match its signed hash: the package was altered")
    version = manifest["version"]
    if not version or any(c not in "0123456789abcdefghijklmnopqrstuvwxyz.-+" for c in version.lower()):
        raise PackageRefused(f"bad version {version!r}")
    return Manifest(version, manifest["payload_sha256"], size, str(manifest.get("notes", "")))


def extract_payload(path: Path, target: Path) -> None:
    """Unpack the (already verified) payload; refuses paths that leave ``target``."""
    with zipfile.ZipFile(path) as package, package.open("payload.zip") as raw:
        with zipfile.ZipFile(io.BytesIO(raw.read())) as payload:
            root = target.resolve()
            for info in payload.infolist():
                dest = (target / info.filename).resolve()
                if root not in dest.parents and dest != root:
                    raise PackageRefused(f"payload path {info.filename!r} leaves the install folder")
            payload.extractall(target)
            for info in payload.infolist():  # keep the executable bits
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    (target / info.filename).chmod(mode)
