"""Replaces the `cnnc.signature = {...}` attribute of an MLIR file.

usage: set_signature.py IN OUT NEW

NEW is the new attribute value, in MLIR syntax, written in place of the
balanced {...} after `cnnc.signature = ` (for signature.test).
"""
import sys

src, out, new = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src).read()
key = "cnnc.signature = "
start = text.index(key) + len(key)
depth, end, in_string = 0, start, False
while True:
    c = text[end]
    if in_string:
        if c == "\\":
            end += 1
        elif c == '"':
            in_string = False
    elif c == '"':
        in_string = True
    elif c == "{":
        depth += 1
    elif c == "}":
        depth -= 1
        if depth == 0:
            break
    end += 1
open(out, "w").write(text[:start] + new + text[end + 1:])
