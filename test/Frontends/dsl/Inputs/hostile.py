"""Writes a hostile .cnn file: hostile.py KIND OUT.

Deep nesting of each construct of the language (10,000 levels), a chain of
5,000 blocks, and blocks whose bodies nest deeply; generated at test time so
that the big texts are not committed (hostile-nesting.test).
"""
import sys

N = 10000
HEAD = "network n(x: [1, 1, 2, 2]) {\n"


def net(body):
    return HEAD + body + "\n}\n"


def chain(n, inner):
    """Blocks b0 .. b(n-1), each returning inner(<call of the next>)."""
    out = []
    for i in range(n):
        nxt = "b%d(x)" % (i + 1) if i + 1 < n else "x"
        out.append("block b%d(x) {\n  return %s\n}\n" % (i, inner(nxt)))
    return "".join(out) + net("  return b0(x)")


KINDS = {
    "parens": lambda: net("  y = " + "(" * N + "x" + ")" * N + "\n  return y"),
    "brackets": lambda: net("  y = " + "[" * N + "1" + "]" * N
                            + "\n  return x"),
    "minus": lambda: net("  y = " + "- " * N + "x\n  return y"),
    "not": lambda: net("  y = " + "not " * N + "true\n  return x"),
    "sums": lambda: net("  y = x" + " + x" * N + "\n  return y"),
    "ands": lambda: net("  y = true" + " and true" * N + "\n  return x"),
    "pipes": lambda: net("  y = x" + " |> relu" * N + "\n  return y"),
    "calls": lambda: net("  y = " + "relu(" * N + "x" + ")" * N
                         + "\n  return y"),
    "if": lambda: net("  y = x\n" + "if true {\n" * N + "y = relu(y)\n"
                      + "}\n" * N + "  return y"),
    "repeat": lambda: net("  y = x\n" + "repeat 1 {\n" * N + "y = relu(y)\n"
                          + "}\n" * N + "  return y"),
    "elseif": lambda: net("  y = x\n  if false { y = x }\n"
                          + "  else if false { y = x }\n" * N
                          + "  else { y = relu(x) }\n  return y"),
    "blocks": lambda: chain(5000, lambda call: call),
    # Each body is legal (250 levels), the chain of 8 is too deep to run.
    "deepblocks": lambda: chain(8, lambda call: "relu(" * 250 + call
                                + ")" * 250),
}

if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    with open(out, "w") as f:
        f.write(KINDS[kind]())
