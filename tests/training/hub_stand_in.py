"""A local HTTP server that speaks the part of the Hugging Face Hub's API huggingface_hub uses to
read a dataset file (HEAD/GET .../resolve/<revision>/<path>, with the Hub's error headers for a
missing repo, a gated or private one, and a missing file), to list and read a private model's
files (only with the platform's token) and to push a model (create a repo, pre-upload, commit
files inline). Everything lives in a LocalHubStore-shaped folder."""

import base64
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "a" * 40


class HubStandIn:
    def __init__(self, root: Path, private: set[str] = frozenset(), token: str = "hf_test_token"):
        self.root, self.private, self.token = root, set(private), token
        self.posts: list[str] = []
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
                # /datasets/<owner>/<name>/resolve/<revision>/<path>, or a model's
                # /<owner>/<name>/resolve/<revision>/<path> (private: the token must come along)
                parts = unquote(urlsplit(self.path).path).strip("/").split("/")
                if parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] == "tree":
                    return self._tree("/".join(parts[2:4]))
                kind = "datasets" if parts[:1] == ["datasets"] else "models"
                if kind == "models":
                    parts = ["models", *parts]
                    if self.headers.get("Authorization") != f"Bearer {hub.token}":
                        return self._error(401, "RepoNotFound")
                if len(parts) < 6 or parts[3] != "resolve":
                    return self._error(404, "RepoNotFound")
                repo_id, filename = "/".join(parts[1:3]), "/".join(parts[5:])
                if repo_id in hub.private:
                    return self._error(401, "GatedRepo")
                folder = hub.root / kind / repo_id
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

            def _tree(self, repo_id):
                folder = hub.root / "models" / repo_id
                if (
                    self.headers.get("Authorization") != f"Bearer {hub.token}"
                    or not folder.is_dir()
                ):
                    return self._error(404, "RepoNotFound")
                files = sorted(p for p in folder.rglob("*") if p.is_file())
                return self._json(
                    [
                        {
                            "type": "file",
                            "path": str(f.relative_to(folder)),
                            "size": f.stat().st_size,
                            "oid": hashlib.sha1(f.read_bytes()).hexdigest(),
                        }
                        for f in files
                    ]
                )

            def do_HEAD(self):
                self._serve(False)

            def do_GET(self):
                self._serve(True)

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                path = urlsplit(self.path).path.strip("/").split("/")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hub.posts.append("/".join(path))
                if path[:2] == ["api", "validate-yaml"]:  # the model card's metadata
                    return self._json({"warnings": [], "errors": []})
                if path[:3] == ["api", "repos", "create"]:
                    name = json.loads(body)
                    return self._json(
                        {"url": f"{hub.url}/{name.get('organization')}/{name['name']}"}
                    )
                if path[:2] == ["api", "models"] and path[4] == "preupload":
                    files = json.loads(body)["files"]
                    return self._json(
                        {
                            "files": [
                                {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                for f in files
                            ]
                        }
                    )
                if path[:2] == ["api", "models"] and path[4] == "commit":
                    target = hub.root / "models" / path[2] / path[3]
                    for line in body.decode().splitlines():
                        item = json.loads(line)
                        if item.get("key") == "file":
                            file = target / item["value"]["path"]
                            file.parent.mkdir(parents=True, exist_ok=True)
                            file.write_bytes(base64.b64decode(item["value"]["content"]))
                    return self._json(
                        {
                            "commitUrl": f"{hub.url}/{path[2]}/{path[3]}/commit/{COMMIT}",
                            "commitOid": COMMIT,
                            "pullRequestUrl": None,
                        }
                    )
                return self._error(404, "RepoNotFound")

        return Handler
