"""The typed Python client, generated from the OpenAPI document by openapi-python-client: clients/python.

    python -m testing.client            # (make client) write clients/python from the document the code builds
    python -m testing.client --check    # exit 1 when clients/python differs from a fresh generation

The document is built in-process (marquee.http.openapi.document, no server or database needed), so the client
always matches the code of this checkout; tests/api/test_client.py fails when the committed client is stale and
books a seat through it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "clients" / "python"
CONFIG = ROOT / "clients" / "python-config.yaml"


def openapi_document() -> dict:
    from marquee.app.factory import create_app
    from marquee.http.openapi import document
    from marquee.settings import load

    return document(create_app(load()))


def generate(out: Path) -> None:
    """Generate the client into `out` (replaced)."""
    exe = Path(sys.executable).with_name("openapi-python-client")
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(json.dumps(openapi_document(), indent=1, sort_keys=True))
        target = Path(tmp) / "client"
        env_path = str(Path(sys.executable).parent)
        subprocess.run([str(exe), "generate", "--path", str(spec), "--output-path", str(target), "--meta", "setup",
                        "--config", str(CONFIG), "--overwrite"], check=True, capture_output=True, text=True,
                       env={"PATH": env_path + ":/usr/bin:/bin"})
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(target, out)


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on either side or with other content)."""
    out = []
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__", ".ruff_cache"])
    stack = [(cmp, Path("."))]
    while stack:
        c, rel = stack.pop()
        out += [str(rel / n) for n in c.left_only + c.right_only]
        out += [str(rel / n) for n in c.common_files if (Path(c.left) / n).read_bytes() != (Path(c.right) / n).read_bytes()]
        stack += [(sub, rel / name) for name, sub in c.subdirs.items()]
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if not args.check:
        generate(CLIENT)
        print(f"wrote {CLIENT.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "python"
        generate(fresh)
        stale = differences(CLIENT, fresh) if CLIENT.exists() else ["clients/python"]
    for name in stale:
        print(f"clients/python/{name} is out of date: run `make client`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
