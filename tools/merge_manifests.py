#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Merges the manifest.jsonl files of sharded datasetsink runs into one deterministic manifest.
"""Merge the manifests of N shards (one datasetsink directory each) into one.

    /usr/bin/python3 tools/merge_manifests.py --output out/manifest.jsonl out/shard-*

Every shard directory holds manifest.jsonl and the <class>/<id>.png files it names (an argument
may also be a manifest file itself). The merged manifest keeps every line as it is except
"path", which is rewritten relative to the merged manifest's directory so that it names the
file where the shard wrote it (no file is copied or moved); with --no-rebase the paths stay as
written, for when the shard trees have been copied into one tree beside the merged manifest.

Lines are sorted by their path within the shard ("<class dir>/<id>.png"), so the result does
not depend on the order of the arguments or on how many shards there were. Shards of one run
are disjoint: an image that two lines name (the same path within a shard, or the same "id" in
the same class) means overlapping shards or a shard given twice, and is an error (exit 1) unless
--allow-duplicates, which keeps the first. Exit 2 on unreadable input.
"""
import argparse
import json
import os
import sys


def manifest_path(arg):
    return os.path.join(arg, "manifest.jsonl") if os.path.isdir(arg) else arg


def read_lines(path):
    """The JSON objects of a manifest, with the line number of each (for messages)."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            if not text.strip():
                continue
            line = json.loads(text)
            if not isinstance(line, dict) or not isinstance(line.get("path"), str):
                raise ValueError("%s:%d: expected a JSON object with a \"path\"" % (path, number))
            lines.append((number, line))
    return lines


def merge(manifests, output_dir, rebase=True, allow_duplicates=False):
    """Returns (merged lines, duplicate messages). `manifests` are manifest file paths."""
    seen = {}
    merged = []
    duplicates = []
    for manifest in manifests:
        shard_dir = os.path.dirname(os.path.abspath(manifest))
        for number, line in read_lines(manifest):
            within = line["path"]
            ident = (line.get("class_name"), line.get("id"))
            where = "%s:%d" % (manifest, number)
            clash = seen.get(within) or (seen.get(ident) if ident != (None, None) else None)
            if clash is not None:
                duplicates.append("%s: %s is already at %s" % (where, within, clash))
                continue
            seen[within] = where
            seen[ident] = where
            if rebase:
                line = dict(line, path=os.path.relpath(os.path.join(shard_dir, within),
                                                       output_dir))
            merged.append((within, line))
    merged.sort(key=lambda item: item[0])
    if duplicates and not allow_duplicates:
        return None, duplicates
    return [line for _, line in merged], duplicates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shards", nargs="+", help="shard output directories or manifest files")
    parser.add_argument("-o", "--output", help="merged manifest (default: standard output, "
                        "with paths relative to the current directory)")
    parser.add_argument("--no-rebase", action="store_true",
                        help="keep every path as written in its shard")
    parser.add_argument("--allow-duplicates", action="store_true",
                        help="warn about lines naming an image already merged and drop them")
    args = parser.parse_args(argv)

    output_dir = os.path.dirname(os.path.abspath(args.output)) if args.output else os.getcwd()
    try:
        lines, duplicates = merge([manifest_path(s) for s in args.shards], output_dir,
                                  rebase=not args.no_rebase,
                                  allow_duplicates=args.allow_duplicates)
    except (OSError, ValueError) as e:
        print("merge_manifests: %s" % e, file=sys.stderr)
        return 2
    for message in duplicates:
        print("merge_manifests: duplicate: %s" % message, file=sys.stderr)
    if lines is None:
        print("merge_manifests: %d duplicate line(s); shards must be disjoint "
              "(or pass --allow-duplicates)" % len(duplicates), file=sys.stderr)
        return 1
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(text)
    print("merge_manifests: %d line(s) from %d shard(s)" % (len(lines), len(args.shards)),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
