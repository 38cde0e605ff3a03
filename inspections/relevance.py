"""XLSForm `relevant` expressions: a small, safe parser and evaluator (no eval).

Grammar (the subset of XPath that checklists use):

    expr       := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" "(" expr ")" | "(" expr ")" | "selected" "(" ref "," literal ")" | comparison
    comparison := operand ("=" | "!=" | "<" | "<=" | ">" | ">=") operand
    operand    := ref | literal
    ref        := "${" item_code "}" | "."     ("." = the item's own answer, in a constraint only)
    literal    := 'text' | "text" | number

Rules: an unanswered (or not relevant) item's value is the empty text. `=` and `!=` compare numbers
as numbers when both sides are numbers, else as text; `< <= > >=` are false unless both sides are
numbers. `selected(${code}, 'x')` is true when x is one of the item's (space separated) values.
An expression may refer only to items that come before its own item, so the relevance of a whole
version is decided in one pass in item order (and no cycle is possible).

`parse()` returns a small tree of tuples/dicts that is also handed to the filling screen's script
as JSON (data attribute), so the browser evaluates exactly what the server parsed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<code>[^}]*)\})
      | (?P<string>'(?P<s1>[^']*)'|"(?P<s2>[^"]*)")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<dot>\.)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)
MAX_LENGTH = 500
SELF = "."  # the item's own answer, in a `constraint`


class RelevanceError(ValueError):
    """The expression cannot be used; the message is for the user."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise RelevanceError(
                _("Cannot read “%(text)s” (at character %(pos)s).")
                % {"text": text[pos : pos + 20].strip(), "pos": pos + 1}
            )
        pos = match.end()
        if match.group("ref"):
            tokens.append(("ref", match.group("code").strip()))
        elif match.group("string"):
            value = match.group("s1") if match.group("s1") is not None else match.group("s2")
            tokens.append(("lit", value))
        elif match.group("number"):
            tokens.append(("lit", match.group("number")))
        elif match.group("dot"):
            tokens.append(("ref", SELF))
        elif match.group("op"):
            tokens.append(("op", match.group("op")))
        elif match.group("punct"):
            tokens.append((match.group("punct"), match.group("punct")))
        else:
            tokens.append(("word", match.group("word").lower()))
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset=0):
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, kind, value=None):
        token = self.peek()
        if token[0] != kind or (value is not None and token[1] != value):
            found = token[1] or _("the end")
            expected = value or {"ref": "${…}", "lit": _("a value"), "op": _("a comparison")}.get(kind, kind)
            raise RelevanceError(
                _("Expected %(expected)s, found “%(found)s”.") % {"expected": expected, "found": found}
            )
        self.pos += 1
        return token[1]

    def expr(self):
        node = self.and_expr()
        while self.peek() == ("word", "or"):
            self.pos += 1
            node = {"or": [node, self.and_expr()]}
        return node

    def and_expr(self):
        node = self.unary()
        while self.peek() == ("word", "and"):
            self.pos += 1
            node = {"and": [node, self.unary()]}
        return node

    def unary(self):
        token = self.peek()
        if token == ("word", "not"):
            self.pos += 1
            self.take("(")
            node = self.expr()
            self.take(")")
            return {"not": node}
        if token == ("word", "selected"):
            self.pos += 1
            self.take("(")
            code = self.take("ref")
            self.take(",")
            value = self.take("lit")
            self.take(")")
            return {"selected": [code, value]}
        if token[0] == "(":
            self.pos += 1
            node = self.expr()
            self.take(")")
            return node
        if token[0] == "word":
            raise RelevanceError(_("Unknown word “%(word)s”; use and, or, not(…), selected(…).") % {"word": token[1]})
        left = self.operand()
        op = self.take("op")
        right = self.operand()
        return {"cmp": [op, left, right]}

    def operand(self):
        kind, value = self.peek()
        if kind == "ref":
            self.pos += 1
            return {"ref": value}
        if kind == "lit":
            self.pos += 1
            return {"lit": value}
        raise RelevanceError(_("Expected ${code} or a value, found “%(found)s”.") % {"found": value or _("the end")})


def parse(text: str) -> dict | None:
    """The expression tree, or None for an empty expression; RelevanceError if it cannot be read."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise RelevanceError(_("The expression is longer than %(n)s characters.") % {"n": MAX_LENGTH})
    parser = _Parser(_tokens(text))
    node = parser.expr()
    if parser.peek()[0] != "end":
        raise RelevanceError(_("Unexpected “%(found)s” after the end of the expression.") % {"found": parser.peek()[1]})
    return node


def references(node) -> list[str]:
    """Item codes the expression reads, in order."""
    if node is None:
        return []
    if "ref" in node:
        return [node["ref"]]
    if "lit" in node:
        return []
    if "selected" in node:
        return [node["selected"][0]]
    if "cmp" in node:
        return references(node["cmp"][1]) + references(node["cmp"][2])
    if "not" in node:
        return references(node["not"])
    return [code for child in next(iter(node.values())) for code in references(child)]


def check(text: str, *, code: str, earlier: list[str] | set[str]) -> dict | None:
    """Parse and check that every referenced item exists and comes before the item `code`."""
    node = parse(text)
    earlier = set(earlier)
    for ref in references(node):
        if ref == SELF:
            raise RelevanceError(_("“.” (the item's own answer) belongs in a constraint, not in a condition."))
        if ref == code:
            raise RelevanceError(_("The expression refers to its own item %(code)s.") % {"code": ref})
        if ref not in earlier:
            raise RelevanceError(
                _("Unknown item ${%(code)s}: an expression may refer only to items above it.") % {"code": ref}
            )
    return node


def check_constraint(text: str, *, code: str, earlier: list[str] | set[str]) -> dict | None:
    """Parse an XLSForm `constraint`: "." is the item's own answer (". >= 0 and . <= 100"); it may
    also read items above it. RelevanceError if it cannot be read."""
    node = parse(text)
    earlier = set(earlier)
    refs = references(node)
    if node is not None and SELF not in refs:
        raise RelevanceError(_("A constraint checks the item's own answer, written “.”."))
    for ref in refs:
        if ref in (SELF, code):
            continue
        if ref not in earlier:
            raise RelevanceError(
                _("Unknown item ${%(code)s}: an expression may refer only to items above it.") % {"code": ref}
            )
    return node


def constraint_met(text: str, value: str, values: dict[str, str]) -> bool:
    """True when the answer `value` meets the item's constraint (an empty answer always does: whether
    one is needed is `required`'s business). An expression that cannot be read, or that reads an item
    missing from `values` (not answered, or not known to the caller), is not enforced."""
    if value == "" or not (text or "").strip():
        return True
    try:
        node = parse(text)
    except RelevanceError:
        return True
    if any(ref != SELF and ref not in values for ref in references(node)):
        return True
    return evaluate(node, {**values, SELF: value})


def _number(text: str):
    try:
        value = Decimal(str(text).replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def evaluate(node, values: dict[str, str]) -> bool:
    """True when the item is relevant; `values` maps item codes to their normalised answers."""
    if node is None:
        return True
    if "or" in node:
        return any(evaluate(child, values) for child in node["or"])
    if "and" in node:
        return all(evaluate(child, values) for child in node["and"])
    if "not" in node:
        return not evaluate(node["not"], values)
    if "selected" in node:
        code, wanted = node["selected"]
        return str(wanted) in str(values.get(code) or "").split()
    op, left, right = node["cmp"]
    a = values.get(left["ref"], "") if "ref" in left else left["lit"]
    b = values.get(right["ref"], "") if "ref" in right else right["lit"]
    a, b = str(a or ""), str(b or "")
    na, nb = (_number(a), _number(b)) if a != "" and b != "" else (None, None)
    if op in ("=", "!="):
        same = (na == nb) if na is not None and nb is not None else a == b
        return same if op == "=" else not same
    if na is None or nb is None:
        return False
    return {"<": na < nb, "<=": na <= nb, ">": na > nb, ">=": na >= nb}[op]


def relevant_items(items, values: dict[str, str]) -> dict[str, bool]:
    """Relevance of every item of a version (in order): a not relevant item's answer counts as empty
    for the expressions below it. `items` are Item-like objects with `.code` and `.relevant`."""
    seen: dict[str, str] = {}
    result = {}
    for item in items:
        try:
            node = parse(item.relevant)
        except RelevanceError:
            node = None  # stored before validation existed: treat as always relevant
        result[item.code] = evaluate(node, seen)
        seen[item.code] = values.get(item.code, "") if result[item.code] else ""
    return result
