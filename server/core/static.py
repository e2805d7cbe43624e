"""Static files under content-hashed URLs, so WeChat's hard caching never serves stale CSS.

`static_url("app.css")` gives `/static/<digest>/app.css`; the file is then cached for a
year. A changed file gets a new digest, hence a new URL, at the next start.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from pathlib import Path

from sanic import Request, Sanic
from sanic.response import HTTPResponse, raw

from server.core.errors import NotFound

STATIC_ROOT = Path(__file__).resolve().parents[2] / "web" / "static"
_LONG_CACHE = "public, max-age=31536000, immutable"
_COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".html"}


class StaticFiles:
    """The files under web/static, read once at start-up (they are small), gzipped too."""

    def __init__(self, root: Path = STATIC_ROOT) -> None:
        self.root = root
        self.digests: dict[str, str] = {}
        self.contents: dict[str, bytes] = {}
        self.gzipped: dict[str, bytes] = {}
        for path in sorted(root.rglob("*")):
            if path.is_file():
                rel = path.relative_to(root).as_posix()
                data = path.read_bytes()
                self.digests[rel] = hashlib.sha256(data).hexdigest()[:12]
                self.contents[rel] = data
                if path.suffix in _COMPRESSIBLE:
                    self.gzipped[rel] = gzip.compress(data, compresslevel=9, mtime=0)

    def url(self, name: str) -> str:
        digest = self.digests.get(name)
        if digest is None:
            raise KeyError(f"no static file {name!r} under {self.root}")
        return f"/static/{digest}/{name}"

    def serve(self, digest: str, name: str, accept_encoding: str = "") -> HTTPResponse:
        # Only names from the manifest are served, so no path can escape the folder.
        if name not in self.contents:
            raise NotFound("文件不存在")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        # An old digest still gets the current file, but must not be cached for long.
        headers = {
            "Cache-Control": _LONG_CACHE if digest == self.digests[name] else "no-cache",
            "Vary": "Accept-Encoding",
        }
        body = self.contents[name]
        if name in self.gzipped and "gzip" in accept_encoding.lower():
            body = self.gzipped[name]
            headers["Content-Encoding"] = "gzip"
        return raw(body, content_type=content_type, headers=headers)


def register_static(app: Sanic) -> StaticFiles:
    files = StaticFiles()
    app.ctx.static = files

    @app.get("/static/<digest:str>/<name:path>", name="static_file")
    async def static_file(request: Request, digest: str, name: str) -> HTTPResponse:
        return files.serve(digest, name, request.headers.get("accept-encoding", ""))

    return files
