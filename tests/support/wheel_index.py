"""A package index (PEP 503, the "simple" API pip reads) on 127.0.0.1 serving a folder of wheels, so that
tests install with the real pip over HTTP without touching the internet."""

import html
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_project(filename: str) -> str:
    return normalized(filename.split("-")[0])


@contextmanager
def wheel_index(folder):
    """Yields the index URL (…/simple/) serving every wheel in `folder`."""
    folder = Path(folder)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = [unquote(part) for part in self.path.split("?")[0].strip("/").split("/")]
            if len(parts) == 2 and parts[0] == "simple":
                wheels = sorted(p.name for p in folder.glob("*.whl") if wheel_project(p.name) == normalized(parts[1]))
                if not wheels:
                    return self.send_error(404)
                links = "".join(f'<a href="/files/{html.escape(name)}">{html.escape(name)}</a>\n' for name in wheels)
                return self._send(f"<!DOCTYPE html><html><body>\n{links}</body></html>".encode(), "text/html")
            if len(parts) == 2 and parts[0] == "files" and (folder / parts[1]).is_file() and "/" not in parts[1]:
                return self._send((folder / parts[1]).read_bytes(), "application/octet-stream")
            return self.send_error(404)

        def _send(self, body: bytes, content_type: str):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
