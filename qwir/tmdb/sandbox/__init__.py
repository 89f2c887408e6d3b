"""The offline TMDb sandbox: TMDb v3's endpoints and errors over a bundled demo catalog.

Used in-process through `SandboxTransport` whenever no TMDb key is set, and as a loopback server
(`serve`, `start_server`) with injected latency, failures and rate limits for load and fault tests.
Imports nothing from Flask.
"""

from qwir.tmdb.sandbox.api import DEFAULT_IMAGE_BASE_URL, DEFAULT_SANDBOX_KEY, SandboxApi
from qwir.tmdb.sandbox.catalog import load_catalog
from qwir.tmdb.sandbox.images import UnknownImageError, image_kind, render_image_svg
from qwir.tmdb.sandbox.server import serve, start_server
from qwir.tmdb.sandbox.transport import SandboxTransport

__all__ = [
    "DEFAULT_IMAGE_BASE_URL",
    "DEFAULT_SANDBOX_KEY",
    "SandboxApi",
    "SandboxTransport",
    "UnknownImageError",
    "image_kind",
    "load_catalog",
    "render_image_svg",
    "serve",
    "start_server",
]
