"""Fixtures for the corpus tests: a real HTTP server in a thread, tiny npm packages packed offline by
the real npm client, and a LEGI-shaped code tree."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class Site:
    """Routes: "/path?query" -> (status, content_type, body bytes) or a callable(handler) doing the reply."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[str] = []
        self.release = threading.Event()   # set by the test to free handlers that stall
        self.stalled = threading.Event()   # set by a stalling handler when it starts waiting
        self.url = ""

    def add(self, path: str, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8") -> None:
        self.routes[path] = (status, content_type, body)


def _handler_for(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            site.requests.append(self.path)
            route = site.routes.get(self.path)
            if callable(route):
                route(self)
                return
            if route is None:
                route = (404, "text/plain", b"not found")
            status, ctype, body = route
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output clean
            pass

    return Handler


@pytest.fixture
def site():
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(s))
    server.daemon_threads = True
    s.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        s.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening (connections are refused at once)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def _article(num: str, text: str) -> dict:
    return {"type": "article", "data": {
        "cid": f"LEGIARTI-{num}", "id": f"LEGIARTI-{num}", "num": num, "etat": "VIGUEUR", "intOrdre": 1,
        "dateDebut": 1546300800000, "dateFin": 32472144000000, "texte": text, "texteHtml": f"<p>{text}</p>",
        "nota": "", "notaHtml": "", "articleVersions": [], "lienModifications": []}}


def _section(title: str, children: list) -> dict:
    return {"type": "section", "data": {"cid": f"LEGISCTA-{title[:12]}", "id": f"LEGISCTA-{title[:12]}",
                                        "title": title, "etat": "VIGUEUR", "intOrdre": 1,
                                        "dateDebut": "2019-01-01", "dateFin": "2999-01-01"},
            "children": children}


def legi_tree() -> dict:
    """A small code in the shape of @socialgouv/legi-data: code > parts > livres > titres > articles.
    Traps for the selection: Livre VIII and Titre VII must not match "Livre VII" / "Titre VI"."""
    return {"type": "code", "data": {"cid": "LEGITEXT000000000042", "id": "LEGITEXT000000000042",
                                     "title": "Code d'essai", "etat": "VIGUEUR", "intOrdre": 0,
                                     "dateDebutVersion": "2026-03-14", "dateFinVersion": "2026-04-01"},
            "children": [
                _section("Partie législative", [
                    _section("Livre Ier : Généralités", [
                        _section("Titre VI : Frais de santé", [
                            _article("L160-1", "Prise en charge des frais de santé."),
                            _article("L160-7", "Soins hors de France."),
                        ]),
                    ]),
                    _section("Livre VII : Régimes divers", [
                        _section("Titre VI : Assurés résidant à l'étranger", [
                            _article("L761-1", "Détachement selon les règlements."),
                            _article("L761-2", "Détachement hors convention."),
                        ]),
                        _section("Titre VII : Autres", [_article("L771-1", "Hors sélection.")]),
                    ]),
                    _section("Livre VIII : Allocations", [
                        _section("Titre VI : Piège", [_article("L861-1", "Ne doit pas être gardé.")]),
                    ]),
                ]),
                _section("Partie réglementaire", [
                    _section("Livre Ier\xa0: Généralités ", [
                        _section("Titre VI : Frais de santé", [
                            _article("R160-1", "Séjour temporaire."),
                            _article("R160-2", "Autorisation préalable."),
                            _article("R160-3", "Conventions."),
                            _article("R160-3-1", "Biologie."),
                            _article("R160-4", "Hors Union."),
                            _article("R160-5", "Après la plage."),
                        ]),
                    ]),
                    _section("Livre VII\xa0: Régimes divers ", [
                        _section("Titre VI : Assurés résidant à l'étranger ", [
                            _article("R761-1", "Durée maximale."),
                        ]),
                    ]),
                ]),
            ]}


def npm_pack(folder: Path, dest: Path) -> Path:
    """Pack a package folder with the real npm client (offline: nothing leaves the machine)."""
    npm = shutil.which("npm")
    assert npm, "the npm client is required (Debian package npm / Node.js)"
    dest.mkdir(parents=True, exist_ok=True)
    out = subprocess.run([npm, "pack", str(folder), "--pack-destination", str(dest), "--json", "--ignore-scripts",
                          "--offline"], capture_output=True, text=True, timeout=120, check=True)
    return dest / json.loads(out.stdout)[0]["filename"]


def make_package(root: Path, name: str, version: str, files: dict[str, object]) -> Path:
    pkg = root / f"{name}-src"
    (pkg / "data").mkdir(parents=True, exist_ok=True)
    (pkg / "package.json").write_text(json.dumps({"name": name, "version": version, "files": ["data"]}))
    for rel, content in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
                        encoding="utf-8")
    return npm_pack(pkg, root / "packed")


@pytest.fixture(scope="session")
def legi_tarball(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("legi-pkg")
    return make_package(root, "tiny-legi-data", "1.0.0", {"data/LEGITEXT000000000042.json": legi_tree()})


@pytest.fixture(scope="session")
def fiches_tarball(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fiches-pkg")

    def fiche(fid: str, title: str) -> dict:
        return {"id": fid, "children": [{"type": "element", "name": "Publication", "attributes": {"ID": fid},
                                         "children": [{"type": "element", "name": "dc:title",
                                                       "children": [{"type": "text", "text": title}]}]}]}

    return make_package(root, "tiny-fiches", "2.0.0", {
        "data/particuliers/F1.json": fiche("F1", "Salarié détaché"),
        "data/particuliers/F2.json": fiche("F2", "Expatrié"),
        "data/professionnels/F3.json": fiche("F3", "Recrutement"),
        "data/index.json": [{"id": "F1"}, {"id": "F2"}, {"id": "F3"}],
        "data/fiches-travail.json": [{"pubId": "a1", "title": "Un"}, {"pubId": "a2", "title": "Deux"},
                                     {"pubId": "a3", "title": "Trois"}],
    })
