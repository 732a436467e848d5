"""litbook: values and claims for the prose of a litbook chapter.

litbook puts this module beside every python chunk, so a chunk can write

    import litbook
    litbook.value("jit_us", f"{t:.1f}")          # the prose quotes `{=CHUNK.jit_us}`
    litbook.claim(r < 1.3, f"max/min = {r:.2f} < 1.3")

Records go to the file litbook names in $LITBOOK_RESULTS, never to stdout,
so the checked output is unchanged. A false claim fails the chunk, at the
line of the litbook.claim call. Outside litbook (no $LITBOOK_RESULTS) a
value goes nowhere and a false claim is printed on stderr.
"""

import os
import re
import sys

__all__ = ["value", "claim"]

_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")


def _escape(text):
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def _publish(record):
    """Appends one record with one write on an O_APPEND descriptor, so the
    records of forked children never interleave."""
    path = os.environ.get("LITBOOK_RESULTS")
    if not path:
        return
    data = (record + "\n").encode("utf-8", "surrogateescape")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def value(key, text):
    """Publishes text (a str: format the number yourself) under key."""
    if not isinstance(key, str) or not _NAME.match(key):
        raise ValueError("litbook.value: %r is not a value name (use letters, digits, "
                         "'-' and '_')" % (key,))
    if not isinstance(text, str):
        raise TypeError("litbook.value: the text of %r must be a str (format it, "
                        "e.g. f\"{t:.1f}\"), not %s" % (key, type(text).__name__))
    _publish("value %s %s" % (key, _escape(text)))


def claim(cond, text):
    """Records whether cond held, with text and the caller's line; returns
    bool(cond)."""
    held = bool(cond)
    line = sys._getframe(1).f_lineno
    text = str(text)
    if os.environ.get("LITBOOK_RESULTS"):
        _publish("claim %s %d %s" % ("held" if held else "failed", line, _escape(text)))
    elif not held:
        sys.stderr.write("line %d: claim failed: %s\n" % (line, text))
    return held
