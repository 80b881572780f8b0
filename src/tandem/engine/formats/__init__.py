"""File formats read and written by the engine: PSPLIB ``.sm``, Tandem JSON networks, MSPDI XML."""

from pathlib import Path

from tandem.engine.errors import FormatError
from tandem.engine.formats.jsonfmt import network_from_json, network_to_json, read_json, write_json
from tandem.engine.formats.mspdi import read_mspdi, write_mspdi
from tandem.engine.formats.psplib import PsplibInstance, read_psplib
from tandem.engine.model import Network

__all__ = [
    "PsplibInstance",
    "network_from_json",
    "network_to_json",
    "read_json",
    "read_mspdi",
    "read_network",
    "read_psplib",
    "write_json",
    "write_mspdi",
]


def read_network(path: str) -> tuple[Network, str]:
    """Read a network from any supported file, with its kind: ``sm``, ``json`` or ``mspdi``.

    The kind comes from the extension (``.sm``, ``.json``, ``.xml``); other names are sniffed.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".sm":
        return read_psplib(p).to_network(), "sm"
    if suffix == ".json":
        return read_json(p), "json"
    if suffix in (".xml", ".mspdi"):
        return read_mspdi(p), "mspdi"
    try:
        head = p.read_bytes()[:2048].lstrip()
    except OSError as exc:
        raise FormatError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if head.startswith(b"{"):
        return read_json(p), "json"
    if head.startswith(b"<"):
        return read_mspdi(p), "mspdi"
    if b"PRECEDENCE" in p.read_bytes()[:20000].upper():
        return read_psplib(p).to_network(), "sm"
    raise FormatError(f"{p}: unknown file type (expected .sm, .json or MSPDI .xml)")
