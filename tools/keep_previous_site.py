#!/usr/bin/env python3
"""Copies the previous release's content-hashed bundle files into the new site's `pkg/`
(`make package PREVIOUS_SITE=…`), so that pages rendered by an instance still on the old
release, and browsers that loaded them, keep finding their wasm, JS, CSS and split chunks
while a rolling upgrade goes on. Only hashed names are copied (`appward.<22 characters>.wasm`,
their `.br`/`.gz`): a plain name is the new release's own. Nothing the new release has is
overwritten. Usage: keep_previous_site.py PREVIOUS_SITE NEW_SITE
"""
import re
import shutil
import sys
from pathlib import Path

# cargo-leptos names a file after its MD5 in unpadded URL-safe base64: 22 characters.
HASHED = re.compile(r"^[^.]+\.[A-Za-z0-9_-]{22}\.[a-z]+(\.(br|gz))?$")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    previous, new = Path(sys.argv[1]) / "pkg", Path(sys.argv[2]) / "pkg"
    if not previous.is_dir():
        print(f"{previous} is not a folder: PREVIOUS_SITE must be the previous release's site folder (the one holding pkg/)", file=sys.stderr)
        return 1
    kept = 0
    for file in sorted(previous.iterdir()):
        target = new / file.name
        if file.is_file() and HASHED.match(file.name) and not target.exists():
            shutil.copy2(file, target)
            kept += 1
    print(f"kept {kept} files of the previous release in {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
