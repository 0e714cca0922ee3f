#!/usr/bin/env python3
"""The architecture, checked (ARCHITECTURE.md):

- layers look only down: a file under dsp/<layer>/ includes public headers of
  its own layer or below and private headers of its own folder (plus
  dsp/base/internal.h), and the public headers keep to their layers too;
- only the recording layer includes sndfile.h and edflib.h; FFTW and libsamplerate only
  in the signal core; no tool includes sndfile.h, fftw3.h or samplerate.h;
- public headers include only standard headers and other public headers;
- no source file over MAX_LINES lines and no function over MAX_FUNCTION
  lines (brace to brace) unless a comment right above it says why
  ("long because ...").

    python3 tests/check_layout.py [ROOT]
Prints every violation and exits 1 when there is any.
"""
import os
import re
import sys

MAX_LINES = 600
MAX_FUNCTION = 100

# Each layer and the layers it may use (besides itself).
LAYERS = {
    "base": [],
    "core": ["base"],
    "model": ["base"],
    "recording": ["base", "core", "model"],
    "emg": ["base", "core", "model", "recording"],
    "quality": ["base", "core", "model", "recording", "emg"],
    "hinge": ["base", "core", "model", "recording", "emg", "quality"],
    "gait": ["base", "core", "model", "recording", "emg", "quality"],
    "synth": ["base", "core", "model", "recording"],
}
# The layer of each public header.
HEADERS = {
    "backline.h": "base", "doc.h": "base",
    "filter.h": "core", "spectrum.h": "core", "resample.h": "core", "window.h": "core", "clipping.h": "core",
    "chanmap.h": "model", "gait_phases.h": "model",
    "recording.h": "recording",
    "envelope.h": "emg", "onset.h": "emg", "ecg.h": "emg", "normalise.h": "emg", "balance.h": "emg",
    "quality.h": "quality",
    "hinge.h": "hinge", "gait.h": "gait",
    "synth.h": "synth",
}
THIRD_PARTY = {"sndfile.h": {"recording"}, "edflib.h": {"recording"}, "fftw3.h": {"core"}, "samplerate.h": {"core"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)

problems = []


def strip_comments_and_strings(src):
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src[i] in "\"'":
            q, j = src[i], i + 1
            while j < n and src[j] != q:
                j += 2 if src[j] == "\\" else 1
            out.append(q + q)
            i = j + 1
        else:
            out.append(src[i])
            i += 1
    return "".join(out)


def functions(text):
    """(line, name, length) of every top-level function definition."""
    s = strip_comments_and_strings(text)
    found, depth, start, name, line = [], 0, None, None, 1
    for idx, ch in enumerate(s):
        if ch == "\n":
            line += 1
        elif ch == "{":
            if depth == 0:
                head = re.split(r"[;}]", s[max(0, idx - 400):idx])[-1]
                m = re.search(r"([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", head)
                name, start = (m.group(1) if m else None), line
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and start is not None:
                if name:
                    found.append((start, name, line - start + 1))
                start = None
    return found


def justified(lines, start):
    """A comment in the lines above the function that says why it is long."""
    above = "\n".join(lines[max(0, start - 12):start - 1]).lower()
    return "long because" in above


def check_sizes(path, rel, text):
    lines = text.split("\n")
    if len(lines) > MAX_LINES + 1:
        problems.append(f"{rel}: {len(lines) - 1} lines (at most about {MAX_LINES})")
    for start, name, length in functions(text):
        if length > MAX_FUNCTION and not justified(lines, start):
            problems.append(f"{rel}:{start}: {name}() is {length} lines (at most about {MAX_FUNCTION}, "
                            "or a comment above it saying why it is long)")


def check_library(root):
    dsp = os.path.join(root, "dsp")
    for layer in sorted(os.listdir(dsp)):
        folder = os.path.join(dsp, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in LAYERS:
            problems.append(f"dsp/{layer}/: not a known layer (add it to tests/check_layout.py and ARCHITECTURE.md)")
            continue
        allowed = set(LAYERS[layer]) | {layer}
        private = set(os.listdir(folder)) | {"internal.h", "bl_version_config.h"}
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            rel = f"dsp/{layer}/{name}"
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            check_sizes(os.path.join(folder, name), rel, text)
            for inc in INCLUDE.findall(text):
                if inc.startswith("backline/"):
                    h = inc[len("backline/"):]
                    if HEADERS.get(h) not in allowed:
                        problems.append(f"{rel}: includes {inc} (layer {HEADERS.get(h)}) from layer {layer}")
                elif inc in THIRD_PARTY:
                    if layer not in THIRD_PARTY[inc]:
                        problems.append(f"{rel}: includes {inc}, which only the "
                                        f"{'/'.join(sorted(THIRD_PARTY[inc]))} layer may use")
                elif re.search(r'#\s*include\s*"' + re.escape(inc) + '"', text) and inc not in private:
                    problems.append(f"{rel}: includes \"{inc}\", a private header of another folder")


def check_public_headers(root):
    inc = os.path.join(root, "include", "backline")
    for name in sorted(os.listdir(inc)):
        rel = f"include/backline/{name}"
        if name not in HEADERS:
            problems.append(f"{rel}: no layer assigned (add it to tests/check_layout.py)")
            continue
        allowed = set(LAYERS[HEADERS[name]]) | {HEADERS[name]}
        text = open(os.path.join(inc, name), encoding="utf-8").read()
        for h in INCLUDE.findall(text):
            if h.startswith("backline/"):
                if HEADERS.get(h[len("backline/"):]) not in allowed:
                    problems.append(f"{rel}: includes {h}, a higher layer")
            elif not re.fullmatch(r"std\w*\.h|limits\.h|math\.h", h):
                problems.append(f"{rel}: includes {h}; public headers include only standard headers")


def check_tools(root):
    for dirpath, _, files in os.walk(os.path.join(root, "tools")):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            text = open(path, encoding="utf-8").read()
            check_sizes(path, rel, text)
            for h in INCLUDE.findall(text):
                if h in THIRD_PARTY:
                    problems.append(f"{rel}: includes {h}; tools call the library, not its dependencies")
            for sym in sorted(set(re.findall(r"\b(bli?_[a-z0-9_]+)\s*\(", strip_comments_and_strings(text)))):
                if sym.startswith("bli_"):
                    problems.append(f"{rel}: calls the library internal {sym}")
            for start, sym, _ in functions(text):
                if sym.startswith(("bl_", "bli_")):
                    problems.append(f"{rel}:{start}: defines {sym}: tool code never takes the library's prefix")


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    check_library(root)
    check_public_headers(root)
    check_tools(root)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layout: {len(problems)} problem(s)")
        return 1
    print("check_layout: layers, includes, file and function sizes as ARCHITECTURE.md says")
    return 0


if __name__ == "__main__":
    sys.exit(main())
