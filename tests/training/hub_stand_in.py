"""A local HTTP server that speaks the part of the Hugging Face Hub's API huggingface_hub uses to
read a dataset file: HEAD/GET .../resolve/<revision>/<path>, with the Hub's error headers for a
missing repo, a gated or private one, and a missing file. Datasets come from a LocalHubStore folder."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "a" * 40


class HubStandIn:
    def __init__(self, root: Path, private: set[str] = frozenset()):
        self.root, self.private = root, set(private)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _error(self, status, code):
                self.send_response(status)
                self.send_header("X-Error-Code", code)
                self.send_header("X-Error-Message", code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _serve(self, with_body):
                # /datasets/<owner>/<name>/resolve/<revision>/<path>
                parts = unquote(urlsplit(self.path).path).strip("/").split("/")
                if len(parts) < 6 or parts[0] != "datasets" or parts[3] != "resolve":
                    return self._error(404, "RepoNotFound")
                repo_id, filename = "/".join(parts[1:3]), "/".join(parts[5:])
                if repo_id in hub.private:
                    return self._error(401, "GatedRepo")
                folder = hub.root / "datasets" / repo_id
                if not folder.is_dir():
                    return self._error(404, "RepoNotFound")
                path = folder / filename
                if not path.is_file():
                    return self._error(404, "EntryNotFound")
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
                self.send_header("X-Repo-Commit", COMMIT)
                self.end_headers()
                if with_body:
                    self.wfile.write(data)

            def do_HEAD(self):
                self._serve(False)

            def do_GET(self):
                self._serve(True)

        return Handler
