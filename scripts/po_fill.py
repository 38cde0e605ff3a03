#!/usr/bin/env python3
"""Tiny .po helper for translators.

po_fill.py list FILE.po            print untranslated msgids as JSON
po_fill.py fill FILE.po TR.json    fill empty msgstr from a {english: translation} JSON
"""

import json
import re
import sys

FIELD = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (".*")$')


def blocks_of(path: str) -> list[list[str]]:
    blocks, block = [], []
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def fields(block: list[str]) -> dict[str, str]:
    found, key = {}, None
    for line in block:
        match = FIELD.match(line)
        if match:
            key = match.group(1)
            found[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            found[key] += json.loads(line)
    return found


def translated(f: dict[str, str]) -> bool:
    return bool(f.get("msgstr") or f.get("msgstr[0]"))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> None:
    command, path = sys.argv[1], sys.argv[2]
    blocks = blocks_of(path)
    if command == "list":
        todo = {}
        for block in blocks:
            f = fields(block)
            if f.get("msgid") and not translated(f):
                todo[f["msgid"]] = f.get("msgid_plural", "")
        print(json.dumps(todo, ensure_ascii=False, indent=0))
        return
    translations = json.load(open(sys.argv[3], encoding="utf-8"))
    result, missing = [], []
    for block in blocks:
        f = fields(block)
        msgid = f.get("msgid")
        if msgid and msgid in translations and not translated(f):
            keep = [ln for ln in block if not re.match(r'^(msgid|msgid_plural|msgstr|")', ln) and ln != "#, fuzzy"]
            new = [*keep, "msgid " + quote(msgid)]
            if "msgid_plural" in f:
                new += ["msgid_plural " + quote(f["msgid_plural"]), "msgstr[0] " + quote(translations[msgid])]
            else:
                new.append("msgstr " + quote(translations[msgid]))
            result.append(new)
            continue
        if msgid and not translated(f):
            missing.append(msgid)
        plural = "Plural-Forms: nplurals=1; plural=0;"
        result.append([ln.replace("Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;", plural) for ln in block])
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n\n".join("\n".join(b) for b in result) + "\n")
    print("untranslated:", len(missing))
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main()
