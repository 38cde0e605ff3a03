#!/usr/bin/env python3
"""Tiny .po reader/writer: list untranslated msgids, or fill msgstr from a JSON dict."""
import json, re, sys

def parse(path):
    entries, cur, key = [], None, None
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, block = [], []
    for line in lines:
        if line.strip() == "":
            if block: blocks.append(block); block = []
        else:
            block.append(line)
    if block: blocks.append(block)
    return blocks

def unq(s):
    return json.loads(s) if s.startswith('"') else s

def fields(block):
    d, key = {}, None
    for line in block:
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (".*")$', line)
        if m:
            key = m.group(1); d[key] = unq(m.group(2)); continue
        if line.startswith('"') and key:
            d[key] += unq(line)
    return d

def q(s):
    return json.dumps(s, ensure_ascii=False)

cmd, path = sys.argv[1], sys.argv[2]
blocks = parse(path)
if cmd == "list":
    out = {}
    for b in blocks:
        f = fields(b)
        if f.get("msgid") and not (f.get("msgstr") or f.get("msgstr[0]")) :
            out[f["msgid"]] = f.get("msgid_plural", "")
    print(json.dumps(out, ensure_ascii=False, indent=0))
elif cmd == "fill":
    tr = json.load(open(sys.argv[3], encoding="utf-8"))
    res = []
    missing = []
    for b in blocks:
        f = fields(b)
        mid = f.get("msgid")
        if mid and mid in tr and not (f.get("msgstr") or f.get("msgstr[0]")):
            keep = [l for l in b if not re.match(r'^(msgid|msgid_plural|msgstr|")', l) and not l.startswith("#, fuzzy")]
            new = keep + ["msgid " + q(mid)]
            if "msgid_plural" in f:
                new += ["msgid_plural " + q(f["msgid_plural"]), "msgstr[0] " + q(tr[mid])]
            else:
                new += ["msgstr " + q(tr[mid])]
            res.append(new)
        else:
            if mid and not (f.get("msgstr") or f.get("msgstr[0]")) : missing.append(mid)
            # fix header plural forms for vi
            b = [l.replace("Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;", "Plural-Forms: nplurals=1; plural=0;") for l in b]
            res.append(b)
    open(path, "w", encoding="utf-8").write("\n\n".join("\n".join(b) for b in res) + "\n")
    print("untranslated:", len(missing))
    for m in missing: print("  ", m)
