#!/usr/bin/env python3
"""What the browser bundle weighs: bytes on the wire (the Brotli and gzip files that
`cargo leptos build --release --precompress` writes beside the wasm) and its ten heaviest
functions, read from the name section of the linker's output before wasm-bindgen strips
it (`target/front/…/appward.wasm`).

Written by hand: twiggy does the second part but is a cargo install of its own on every
fresh machine, for a list that needs only the wasm name section.

Usage: wasm_weight.py SITE_PKG_DIR LINKED_WASM [N]   (prints JSON)

"""
import json
import re
import sys
from pathlib import Path


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    found, i = {}, 8
    while i < len(data):
        kind = data[i]
        size, i = leb(data, i + 1)
        if kind == 0:
            length, j = leb(data, i)
            found[data[j:j + length].decode()] = (j + length, i + size)
        else:
            found[kind] = (i, i + size)
        i += size
    return found


def imported_functions(data, found):
    start, _ = found[2]
    count, i = leb(data, start)
    functions = 0
    for _ in range(count):
        for _ in range(2):
            length, i = leb(data, i)
            i += length
        kind = data[i]
        i += 1
        if kind == 0:
            _, i = leb(data, i)
            functions += 1
        elif kind == 1:
            i += 1
            flags, i = leb(data, i)
            _, i = leb(data, i)
            if flags & 1:
                _, i = leb(data, i)
        elif kind == 2:
            flags, i = leb(data, i)
            _, i = leb(data, i)
            if flags & 1:
                _, i = leb(data, i)
        elif kind == 3:
            i += 2
    return functions


def function_names(data, found):
    names = {}
    if "name" not in found:
        return names
    i, end = found["name"]
    while i < end:
        sub = data[i]
        size, i = leb(data, i + 1)
        stop = i + size
        if sub == 1:
            count, i = leb(data, i)
            for _ in range(count):
                index, i = leb(data, i)
                length, i = leb(data, i)
                names[index] = data[i:i + length].decode("utf8", "replace")
                i += length
        i = stop
    return names


def readable(name):
    name = re.sub(r"17h[0-9a-f]{16}E$", "", name)
    for escaped, plain in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"),
                           ("$u7b$", "{"), ("$u7d$", "}"), ("..", "::")):
        name = name.replace(escaped, plain)
    return name


def heaviest(linked, count):
    data = Path(linked).read_bytes()
    found = sections(data)
    first = imported_functions(data, found)
    names = function_names(data, found)
    start, _ = found[10]
    total, i = leb(data, start)
    sizes = []
    for k in range(total):
        size, j = leb(data, i)
        sizes.append((size + j - i, readable(names.get(first + k, f"function {first + k}"))))
        i = j + size
    sizes.sort(reverse=True)
    return [{"bytes": size, "name": name[:120]} for size, name in sizes[:count]]


def bundle_wasm(pkg):
    """The site's wasm: `appward.<hash>.wasm` in a release built with hashed names, else
    `appward.wasm`; the newest when several are there."""
    found = sorted(Path(pkg).glob("appward*.wasm"), key=lambda path: path.stat().st_mtime)
    return found[-1] if found else Path(pkg) / "appward.wasm"


def main():
    pkg, linked = Path(sys.argv[1]), sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    wasm = bundle_wasm(pkg)
    report = {"raw_bytes": wasm.stat().st_size}
    for suffix, key in ((".br", "brotli_bytes"), (".gz", "gzip_file_bytes")):
        packed = wasm.with_name(wasm.name + suffix)
        if packed.exists():
            report[key] = packed.stat().st_size
    if Path(linked).exists():
        report["top"] = heaviest(linked, count)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
