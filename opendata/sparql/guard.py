"""The check every query passes before pyoxigraph sees it: size, nesting, operators, kind.

pyoxigraph parses and evaluates queries recursively on the calling thread's stack. A query of
3,000 nested ``{`` (18 KB) overflows that stack inside its parser, and the process dies with
SIGSEGV: no exception reaches Python. Long flat chains (``1+1+…``, ``… UNION …``, path
sequences) do the same a little later, in the evaluator. So the text is measured first by a
plain, non-recursive scanner that follows SPARQL's lexical rules (strings, IRIs, comments,
escapes in prefixed names), and refused when it is:

- larger than :attr:`QueryLimits.max_bytes` (64 KiB of UTF-8);
- nested deeper than :attr:`QueryLimits.max_depth` (64) ``{``, ``(`` and ``[`` together;
- made of more than :attr:`QueryLimits.max_operators` (1,000) operators and separators:
  ``|| && = != < > <= >= + - * / ! | ^ ^^``, the separators ``. ; ,`` (each one more join) and
  the keywords of :data:`OPERATOR_KEYWORDS`;
- a federated query: the keyword ``SERVICE`` makes the store send HTTP requests to any address
  the client names (server-side request forgery);
- an update (``INSERT``, ``DELETE``, ``LOAD`` …): the store is read-only.

pyoxigraph overflows at about 3,000 nested ``{``, 5,000 nested ``(``, 1,000 nested function
calls and 10,000 chained ``+``; the limits leave a margin of ten or more. A refused query
raises :class:`~opendata.errors.QueryRefused` (400, or 403 for an update, at the endpoint;
exit code 2 for ``opendata query``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus

from opendata.errors import QueryRefused

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
#: keywords counted as operators: each combines or filters what the patterns around it match
OPERATOR_KEYWORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "GRAPH", "SERVICE", "EXISTS", "IN"}
)
OPEN, CLOSE = "{([", "})]"

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# a keyword, ``a``, a prefixed name (with its PN_LOCAL escapes) or a blank node label
_NAME = re.compile(
    r"(?:[^\W\d]|_)[\w\-.]*(?::(?:[\w\-.:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*)?"
    r"|:(?:[\w\-.:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*"
)
_VARIABLE = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.")
_LANGUAGE = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_OPERATORS = ("||", "&&", "!=", "<=", ">=", "^^", "=", "<", ">", "+", "-", "*", "/", "!", "|", "^")
_SEPARATORS = ".;,"


@dataclass(frozen=True)
class QueryLimits:
    """How large a query may be before it is refused (see the module docstring)."""

    max_bytes: int = 64 * 1024
    max_depth: int = 64
    max_operators: int = 1000


@dataclass
class QueryShape:
    """What the scanner saw in a query text (findings, not yet a verdict)."""

    size: int = 0  # bytes of UTF-8
    depth: int = 0  # deepest nesting of { ( [ together
    operators: int = 0
    keywords: set[str] = field(default_factory=set)  # bare words, upper-cased


def _string_end(text: str, start: int) -> int:
    """Where the string literal starting at ``start`` ends (past its closing quote)."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        at = start + 3
        while at < len(text):
            if text[at] == "\\":
                at += 2
            elif text.startswith(quote * 3, at):
                return at + 3
            else:
                at += 1
        return len(text)
    at = start + 1
    while at < len(text):
        char = text[at]
        if char == "\\":
            at += 2
        elif char == quote:
            return at + 1
        elif char in "\r\n":  # not a SPARQL string: pyoxigraph will say so
            return at
        else:
            at += 1
    return len(text)


def scan(text: str, stop: QueryLimits | None = None) -> QueryShape:
    """Measure a query text without parsing it: one pass, no recursion, linear time.

    With ``stop``, the scan ends as soon as a limit is passed (the shape then says by how much
    at least)."""
    shape = QueryShape(size=len(text.encode("utf-8", "surrogatepass")))
    if stop is not None and shape.size > stop.max_bytes:
        return shape
    depth, at, end = 0, 0, len(text)
    while at < end:
        char = text[at]
        if char.isspace():
            at += 1
        elif char == "#":
            newline = min(
                (i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0), default=end
            )
            at = newline
        elif char in OPEN:
            depth += 1
            shape.depth = max(shape.depth, depth)
            if stop is not None and depth > stop.max_depth:
                return shape
            at += 1
        elif char in CLOSE:
            depth = max(0, depth - 1)
            at += 1
        elif char in "\"'":
            at = _string_end(text, at)
        elif char == "<" and (iri := _IRI.match(text, at)):
            at = iri.end()
        elif char in "?$":
            at = _VARIABLE.match(text, at).end()  # type: ignore[union-attr]
        elif char == "@" and (language := _LANGUAGE.match(text, at)):
            at = language.end()
        elif (char.isdigit() or char == ".") and (number := _NUMBER.match(text, at)):
            at = number.end()
        elif name := _NAME.match(text, at):
            word = name.group()
            if ":" not in word:
                upper = word.upper()
                shape.keywords.add(upper)
                if upper in OPERATOR_KEYWORDS:
                    shape.operators += 1
            at = name.end()
        else:
            operator = next((o for o in _OPERATORS if text.startswith(o, at)), char)
            if operator in _OPERATORS or operator in _SEPARATORS:
                shape.operators += 1
            at += len(operator)
        if stop is not None and shape.operators > stop.max_operators:
            return shape
    return shape


def is_update(text: str) -> bool:
    """Whether a request text is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …)."""
    return bool(scan(text).keywords & UPDATE_KEYWORDS)


def check(text: str, limits: QueryLimits | None = None) -> QueryShape:
    """The query's shape, when it may run; else raise :class:`QueryRefused` saying why."""
    limits = limits or QueryLimits()
    shape = scan(text, limits)
    if shape.size > limits.max_bytes:
        raise QueryRefused(
            f"the query is {shape.size} bytes; at most {limits.max_bytes} are accepted"
        )
    if shape.depth > limits.max_depth:
        raise QueryRefused(
            f"the query nests {{ ( [ deeper than {limits.max_depth} levels; "
            "flatten it (the parser would overflow its stack)"
        )
    if shape.operators > limits.max_operators:
        raise QueryRefused(
            f"the query has more than {limits.max_operators} operators and separators "
            "(|| && = + - * / | . ; , UNION OPTIONAL FILTER …); split it"
        )
    if shape.keywords & UPDATE_KEYWORDS:
        raise QueryRefused(
            "the store is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …) "
            "is refused; use 'opendata load' to change the store",
            status=HTTPStatus.FORBIDDEN,
        )
    if "SERVICE" in shape.keywords:
        raise QueryRefused(
            "SERVICE (federated query) is refused: it would make this server send requests "
            "to any address"
        )
    return shape
