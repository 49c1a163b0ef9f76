#!/usr/bin/env python3
"""A stand-in for the Hugging Face hub on 127.0.0.1, for the downloader tests.

Serves the endpoints core/hub/downloader.cpp uses, for repositories kept as plain folders:

  GET  /api/models/<org>/<name>/revision/<rev>?blobs=true   listing: commit, sizes, checksums
  HEAD /<org>/<name>/resolve/<rev>/<path>                   metadata (ETag, X-Repo-Commit, ...)
  GET  /<org>/<name>/resolve/<rev>/<path>                   LFS files: 302 to /cdn/...; others
                                                            served directly (with Range)
  GET  /cdn/<org>/<name>/<sha256>                           LFS contents, with Range

and Civitai's (core/hub/civitai_download.cpp), for model versions kept as folders
<root>/civitai/<version_id>/ holding version.json ({"modelId", "modelName", "type", "baseModel",
optional "key": the API key its download needs}) and the version's one file:

  GET  /api/v1/model-versions/<id>      the version: files[] with sizeKB, hashes.SHA256,
                                        downloadUrl, primary; model.type; baseModel
  GET  /api/v1/models/<id>              modelVersions[] of the versions with that modelId,
                                        newest (highest id) first
  GET  /api/download/models/<id>        401 without "Authorization: Bearer KEY" (or ?token=KEY)
                                        when the version has a key; else 302 to /civitai-files/
  GET  /civitai-files/<id>/<name>       the file, with Range; faults keyed "civitai/<id>/<name>"

Files ending in .safetensors are "LFS" files (ETag = sha256), all others git files (ETag = git
blob id). Faults come from <root>/faults.json, re-read on every request, keyed by file path:
  {"path": {"drop_after": BYTES, "drops": N}}  close the connection after BYTES, N times
  {"path": {"corrupt": true}}                   serve one byte changed (checksum mismatch)
  {"path": {"missing": true}}                   404 for this file (listed, but not served)
  {"path": {"delay": SECONDS}}                  sleep before each 4 KiB chunk (slow server)
  {"__gated__": {"repo": "org/name", "token": "T"}}  401 without "Authorization: Bearer T"
Every request is appended to <root>/requests.log as one JSON line (method, path, range,
authorized). Listens on 127.0.0.1 only; writes its port to --port-file; exits by itself after
--lifetime seconds.
"""
import argparse
import hashlib
import json
import os
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 4096


def git_blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Hub:
    def __init__(self, root):
        self.root = root
        self.drops_done = {}
        self.cache = {}
        self.digests = {}
        self.lock = threading.Lock()

    def faults(self):
        try:
            with open(os.path.join(self.root, "faults.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def repo_dir(self, repo):
        return os.path.join(self.root, "repos", repo)

    def files(self, repo):
        """path -> (bytes, is_lfs), for every file of the repository."""
        base = self.repo_dir(repo)
        out = {}
        for folder, _, names in os.walk(base):
            for name in names:
                full = os.path.join(folder, name)
                path = os.path.relpath(full, base).replace(os.sep, "/")
                out[path] = (self.read(full), path.endswith(".safetensors"))
        return out

    def read(self, full):
        """File bytes, cached while the file is unchanged (repositories are re-read often)."""
        info = os.stat(full)
        key = (full, info.st_mtime_ns, info.st_size)
        with self.lock:
            cached = self.cache.get(key)
        if cached is None:
            with open(full, "rb") as f:
                cached = f.read()
            with self.lock:
                self.cache[key] = cached
        return cached

    def digest(self, data, kind):
        key = (id(data), len(data), kind)
        with self.lock:
            found = self.digests.get(key)
        if found is None:
            found = hashlib.sha256(data).hexdigest() if kind == "sha256" else git_blob_id(data)
            with self.lock:
                self.digests[key] = found
        return found

    def commit(self, files):
        h = hashlib.sha1()
        for path in sorted(files):
            h.update(path.encode() + self.digest(files[path][0], "sha256").encode())
        return h.hexdigest()

    def etag(self, data, lfs):
        return self.digest(data, "sha256" if lfs else "git")

    def log(self, entry):
        with self.lock, open(os.path.join(self.root, "requests.log"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def take_drop(self, path, fault):
        """True when this transfer of `path` is to be cut (at most fault['drops'] times)."""
        key = (path, fault["drop_after"], fault.get("drops", 1))
        with self.lock:
            done = self.drops_done.get(key, 0)
            if done >= fault.get("drops", 1):
                return False
            self.drops_done[key] = done + 1
            return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub = None

    def log_message(self, *args):
        pass

    def send_json(self, status, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True

    def authorized(self, repo):
        gated = self.hub.faults().get("__gated__")
        if not gated or gated.get("repo") != repo:
            return True
        return self.headers.get("Authorization") == "Bearer " + gated.get("token", "")

    def do_HEAD(self):
        self.handle_any()

    def do_GET(self):
        self.handle_any()

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        self.hub.log({"method": self.command, "path": url.path, "range": self.headers.get("Range"),
                      "authorized": self.headers.get("Authorization") is not None})
        if parts[:1] == ["api"] and len(parts) == 4 and parts[1] in ("v1", "download"):
            return self.civitai_api(parts[1:], urllib.parse.parse_qs(url.query))
        if len(parts) == 3 and parts[0] == "civitai-files":
            return self.civitai_file(parts[1], parts[2])
        if len(parts) >= 6 and parts[:2] == ["api", "models"] and parts[4] == "revision":
            return self.listing("/".join(parts[2:4]), "/".join(parts[5:]))
        if len(parts) >= 5 and parts[2] == "resolve":
            return self.resolve("/".join(parts[0:2]), parts[3], "/".join(parts[4:]))
        if len(parts) == 4 and parts[0] == "cdn":
            return self.cdn("/".join(parts[1:3]), parts[3])
        self.send_json(404, {"error": "no such endpoint"})

    def civitai_versions(self):
        """version id -> (version.json, file name, bytes), for every fake Civitai version."""
        base = os.path.join(self.hub.root, "civitai")
        out = {}
        for vid in os.listdir(base) if os.path.isdir(base) else []:
            folder = os.path.join(base, vid)
            with open(os.path.join(folder, "version.json")) as f:
                meta = json.load(f)
            names = [n for n in sorted(os.listdir(folder)) if n != "version.json"]
            out[vid] = (meta, names[0], self.hub.read(os.path.join(folder, names[0])))
        return out

    def civitai_version_json(self, vid, meta, name, data):
        host = "http://" + self.headers.get("Host", "127.0.0.1")
        sha = self.hub.digest(data, "sha256").upper()  # Civitai writes hashes in upper case
        return {"id": int(vid), "modelId": meta["modelId"], "name": "v" + vid,
                "baseModel": meta["baseModel"],
                "model": {"name": meta["modelName"], "type": meta["type"], "nsfw": False},
                "files": [{"id": int(vid) * 10, "name": name, "type": "Model", "primary": True,
                           "sizeKB": len(data) / 1024.0,
                           "metadata": {"format": "SafeTensor", "fp": "fp16", "size": "full"},
                           "hashes": {"AutoV2": sha[:10], "SHA256": sha},
                           "downloadUrl": host + "/api/download/models/" + vid}],
                "downloadUrl": host + "/api/download/models/" + vid}

    def civitai_api(self, parts, query):
        versions = self.civitai_versions()
        kind, name, ident = parts
        if kind == "v1" and name == "model-versions" and ident in versions:
            return self.send_json(200, self.civitai_version_json(ident, *versions[ident]))
        if kind == "v1" and name == "models" and ident.isdigit():
            mine = sorted((int(v) for v, (m, _, _) in versions.items()
                           if m["modelId"] == int(ident)), reverse=True)
            if mine:
                return self.send_json(200, {"id": int(ident), "modelVersions": [
                    self.civitai_version_json(str(v), *versions[str(v)]) for v in mine]})
        if kind == "download" and name == "models" and ident in versions:
            meta, file_name, _ = versions[ident]
            key = meta.get("key")
            given = self.headers.get("Authorization") or ""
            if key and given != "Bearer " + key and query.get("token", [""])[0] != key:
                return self.send_json(401, {"error": "Unauthorized", "message":
                                            "The creator of this asset requires you to be "
                                            "logged in to download it"})
            self.send_response(302)
            self.send_header("Location", "/civitai-files/%s/%s?sig=fake" % (ident, file_name))
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        self.send_json(404, {"error": "No model with id " + ident})

    def civitai_file(self, vid, name):
        versions = self.civitai_versions()
        if vid not in versions or versions[vid][1] != name:
            return self.send_json(404, {"error": "no such file"})
        self.send_content("civitai/%s/%s" % (vid, name), versions[vid][2], {})

    def repo_files(self, repo, revision):
        """(files, commit) or None after answering with an error."""
        if not os.path.isdir(self.hub.repo_dir(repo)):
            self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            return None
        if not self.authorized(repo):
            self.send_json(401, {"error": "Access to model %s is restricted." % repo},
                           {"X-Error-Code": "GatedRepo"})
            return None
        files = self.hub.files(repo)
        commit = self.hub.commit(files)
        if revision not in ("main", commit):
            self.send_json(404, {"error": "Revision not found"}, {"X-Error-Code": "RevisionNotFound"})
            return None
        return files, commit

    def listing(self, repo, revision):
        found = self.repo_files(repo, revision)
        if not found:
            return
        files, commit = found
        siblings = []
        for path, (data, lfs) in sorted(files.items()):
            entry = {"rfilename": path, "blobId": self.hub.digest(data, "git"), "size": len(data)}
            if lfs:
                entry["lfs"] = {"sha256": self.hub.digest(data, "sha256"), "size": len(data),
                                "pointerSize": 134}
            siblings.append(entry)
        self.send_json(200, {"id": repo, "sha": commit, "siblings": siblings})

    def resolve(self, repo, revision, path):
        found = self.repo_files(repo, revision)
        if not found:
            return
        files, commit = found
        if path not in files or self.hub.faults().get(path, {}).get("missing"):
            return self.send_json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
        data, lfs = files[path]
        etag = self.hub.etag(data, lfs)
        if lfs:
            self.send_response(302)
            self.send_header("Location", "/cdn/%s/%s" % (repo, etag))
            self.send_header("X-Repo-Commit", commit)
            self.send_header("X-Linked-Etag", '"%s"' % etag)
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("ETag", '"%s"' % git_blob_id(b"pointer " + etag.encode()))
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        self.send_content(path, data, {"ETag": '"%s"' % etag, "X-Repo-Commit": commit})

    def cdn(self, repo, sha):
        for path, (data, lfs) in self.hub.files(repo).items():
            if lfs and self.hub.digest(data, "sha256") == sha:
                return self.send_content(path, data, {"ETag": '"%s"' % sha})
        self.send_json(404, {"error": "no such blob"})

    def send_content(self, path, data, headers):
        fault = self.hub.faults().get(path, {})
        if fault.get("corrupt"):
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
        if start >= len(data) and len(data) > 0:
            return self.send_json(416, {"error": "range not satisfiable"})
        body = data[start:]
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        cut = None
        if "drop_after" in fault and self.hub.take_drop(path, fault):
            cut = max(0, fault["drop_after"] - start)
        delay = fault.get("delay", 0)
        sent = 0
        try:
            while sent < len(body):
                n = CHUNK if cut is None else min(CHUNK, cut - sent)
                if n <= 0:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if delay:
                    time.sleep(delay)
                self.wfile.write(body[sent:sent + n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (cancelled)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()
    Handler.hub = Hub(args.root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    parent = os.getppid()

    def exit_with_parent():
        # The test that started us may die without stopping us: never outlive it.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
