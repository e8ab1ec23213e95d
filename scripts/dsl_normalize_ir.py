#!/usr/bin/env python3
"""Normalizes printed cnn IR for comparing two imports of one network.

Reads MLIR text on stdin and writes it without what only names differ in:
module attributes, `cnnc.name` argument/result attributes, resource names
(`dense_resource<...>`) and the resource section. SSA value names are kept
(the printer numbers them in order, so they agree when the ops agree).

Usage: cnnc net.cnn --emit=cnn | dsl_normalize_ir.py
"""

import re
import sys


def normalize(text):
    text = text.split("{-#")[0]
    text = re.sub(r"^module attributes \{.*\} \{$", "module {", text, flags=re.M)
    text = re.sub(r' \{cnnc\.name = "[^"]*"\}', "", text)
    text = re.sub(r"dense_resource<[^>]*>", "dense_resource<W>", text)
    return text.rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(normalize(sys.stdin.read()))
