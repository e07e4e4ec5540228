#!/usr/bin/env python3
"""Finds names in the extension's SQL that a database owner could capture.

The extension is trusted: CREATE EXTENSION and ALTER EXTENSION ... UPDATE
run its scripts as a superuser, with the target schema (which the database
owner can write) on the search_path, and its SQL and PL/pgSQL bodies run
with whatever search_path their caller has.  An operator, function or type
name that PostgreSQL looks up through the search_path can then resolve to
an object the owner planted.  This lint reads the scripts as PostgreSQL's
lexer would and reports, with file and line:

- an operator not written OPERATOR(pg_catalog.x) (in DDL, a definition's
  own schema-qualified name is allowed);
- a function call whose name is not schema-qualified;
- constructs that look up "=" or another operator by name behind the
  scenes: IN (list), IS [NOT] DISTINCT FROM, NULLIF, BETWEEN, LIKE,
  ILIKE, SIMILAR TO, and the simple CASE x WHEN;
- a cast to a type name that is not an SQL keyword and not qualified
  (::text resolves through the search_path; ::pg_catalog.text does not).

Usage: lint_sql.py FILE...            findings, one a line; exit 1 if any
       (a DIRECTORY for a FILE: the scripts the project ships, as installed
       there: 1.0, every update script of the checkout, and the control
       file's default version; not stale ones an older install left)
       lint_sql.py --operators FILE... the operator names the files use,
                                       qualified or not, one a line
       lint_sql.py --calls FILE...     the names of the functions they call,
                                       qualified or not, one a line

sql/26_trust.sql plants an operator or function under each of these names.

Dollar-quoted text is read as code (the scripts dollar-quote only bodies);
psql meta-command lines (\\echo ... \\quit) are skipped.
"""
import glob
import os
import re
import sys

OPERATOR_CHARS = set("+-*/<>=~!@#%^&|`?")

# Words that may stand before "(" without being a function call: SQL
# syntax, and type names that take a modifier.  coalesce, greatest and
# least compare through the type's default operator class, not by name.
NOT_CALLS = {
    "all", "and", "any", "operator", "array", "as", "between", "by", "case", "cast", "check",
    "coalesce", "cross", "cube", "default", "distinct", "do", "else", "elsif", "end",
    "exists", "extract", "filter", "for", "foreach", "from", "greatest", "group",
    "having", "if", "in", "into", "is", "join", "lateral", "least", "loop", "not",
    "of", "on", "or", "order", "over", "partition", "perform", "query", "raise",
    "return", "returning", "returns", "rollup", "row", "rows", "select", "set",
    "some", "table", "then", "union", "using", "values", "when", "where", "while",
    "with", "within", "except", "intersect", "limit", "offset", "window", "grouping",
    # type names with modifiers
    "numeric", "decimal", "varchar", "character", "char", "bit", "varbit", "float",
    "timestamp", "timestamptz", "time", "interval",
}

# Type names the grammar maps to pg_catalog itself (keywords).
KEYWORD_TYPES = {
    "smallint", "integer", "int", "bigint", "real", "double", "float", "numeric",
    "decimal", "dec", "boolean", "bool", "char", "character", "varchar", "national",
    "nchar", "interval", "timestamp", "time", "bit", "setof",
}

# Statements whose "name = value" lists are options, not expressions.
OPTION_STATEMENTS = ("create aggregate", "create type", "create operator",
                     "alter operator", "alter type", "alter aggregate")

# PL/pgSQL's RAISE ... USING option = value.
RAISE_OPTIONS = {"errcode", "message", "detail", "hint", "column", "constraint",
                 "datatype", "table", "schema"}

# Schemas whose operators and functions an owner cannot plant into.
SAFE_SCHEMA = "pg_catalog"


class Token:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line

    @property
    def word(self):
        return self.text.lower() if self.kind == "ident" else None


def tokens(source):
    """PostgreSQL's lexer, as far as the lint needs it."""
    i, n, line = 0, len(source), 1
    at_line_start = True
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r":
            i += 1
            continue
        if at_line_start and c == "\\":           # psql meta-command
            j = source.find("\n", i)
            i = n if j < 0 else j
            continue
        at_line_start = False
        if source.startswith("--", i):
            j = source.find("\n", i)
            i = n if j < 0 else j
            continue
        if source.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if source.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif source.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            line += source.count("\n", i, j)
            i = j
            continue
        m = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$").match(source, i)
        if m:                                      # a body: read on as code
            i = m.end()
            continue
        if c in "eE" and source.startswith("'", i + 1):
            j = i + 2
            while j < n and source[j] != "'":
                j += 2 if source[j] == "\\" else 1
            while source.startswith("''", j):      # '' inside E'...'
                j += 2
                while j < n and source[j] != "'":
                    j += 2 if source[j] == "\\" else 1
            yield Token("string", source[i:j + 1], line)
            line += source.count("\n", i, j)
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while True:
                k = source.find("'", j)
                if k < 0:
                    k = n
                if source.startswith("''", k):
                    j = k + 2
                    continue
                break
            yield Token("string", source[i:k + 1], line)
            line += source.count("\n", i, k)
            i = k + 1
            continue
        if c == '"':
            k = source.find('"', i + 1)
            yield Token("ident", source[i:k + 1], line)
            i = k + 1
            continue
        if source.startswith("@extschema@", i):
            yield Token("ident", "@extschema@", line)
            i += len("@extschema@")
            continue
        if c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*").match(source, i)
            yield Token("ident", m.group(0), line)
            i = m.end()
            continue
        if c.isdigit() or (c == "." and i + 1 < n and source[i + 1].isdigit()):
            m = re.compile(r"\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.").match(source, i)
            yield Token("number", m.group(0), line)
            i = m.end()
            continue
        if c == "$" and i + 1 < n and source[i + 1].isdigit():
            m = re.compile(r"\$\d+").match(source, i)
            yield Token("ident", m.group(0), line)
            i = m.end()
            continue
        for punct in ("::", ":=", "=>", ".."):
            if source.startswith(punct, i):
                yield Token("punct", punct, line)
                i += len(punct)
                break
        else:
            if c in OPERATOR_CHARS:
                j = i
                while j < n and source[j] in OPERATOR_CHARS:
                    if source.startswith("--", j) or source.startswith("/*", j):
                        break
                    j += 1
                op = source[i:j]
                # PostgreSQL: a multi-character operator ends in + or - only
                # if it holds one of ~ ! @ # % ^ & | ` ?
                while len(op) > 1 and op[-1] in "+-" and not set(op) & set("~!@#%^&|`?"):
                    op = op[:-1]
                yield Token("op", op, line)
                i += len(op)
            else:
                yield Token("punct", c, line)
                i += 1


def operand_end(t):
    if t is not None and t.word in ("select", "distinct", "all", "returning", "and", "or", "not",
                                    "when", "then", "else", "where", "return", "by", "on"):
        return False
    return t is not None and (t.kind in ("ident", "number", "string")
                              or (t.kind == "punct" and t.text in (")", "]")))


def lint(path, source):
    findings = []
    ops_used = set()
    calls = set()
    toks = list(tokens(source))
    # the kind of the statement each token is in, by the words it starts with
    kind_of = []
    head = ""
    start = True
    for t in toks:
        if start:
            head = ""
        if len(head.split()) < 3 and t.kind == "ident" and not (
                head == "create" and t.word in ("or", "replace")):
            head = (head + " " + t.word).strip()
        kind_of.append(head)
        start = t.kind == "punct" and t.text == ";"
        if head == "create" and t.word == "or":
            head = "create"
    for k, t in enumerate(toks):
        prev = toks[k - 1] if k else None
        prev2 = toks[k - 2] if k > 1 else None
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        stmt = kind_of[k]
        where = "%s:%d" % (path, t.line)
        if t.kind == "op":
            ops_used.add(t.text)
            if t.text == "*" and prev is not None and prev.text == ".":
                continue                            # t.*
            qualified = prev is not None and prev.text == "." and prev2 is not None
            if qualified:
                schema = prev2.text
                ddl = stmt.startswith(("create operator", "alter operator", "comment on",
                                       "drop operator"))
                if schema != SAFE_SCHEMA and not ddl:
                    findings.append("%s: operator %s.%s: only pg_catalog's operators are safe to call"
                                    % (where, schema, t.text))
                continue
            if t.text == "*" and not operand_end(prev):
                continue                            # count(*), SELECT *, t.*
            if t.text == "=" and stmt.startswith(OPTION_STATEMENTS):
                continue
            if t.text == "=" and prev is not None and prev.word in (
                    "search_path", "client_min_messages", "check_function_bodies"):
                continue                            # SET x = value
            if t.text == "=" and stmt.startswith("update") and prev2 is not None \
                    and (prev2.word == "set" or prev2.text == ","):
                continue                            # UPDATE ... SET column = value
            if t.text == "=" and prev is not None and prev.word in RAISE_OPTIONS:
                continue                            # RAISE ... USING ERRCODE = ...
            if t.text == "%" and nxt is not None and nxt.word in ("rowtype", "type"):
                continue                            # PL/pgSQL %ROWTYPE, %TYPE
            if t.text == "#" and nxt is not None and nxt.word == "variable_conflict":
                continue
            if t.text == "-" and not operand_end(prev) and nxt is not None and nxt.kind == "number":
                continue                            # a negative constant
            findings.append("%s: operator %s is looked up through the search_path: write OPERATOR(pg_catalog.%s)"
                            % (where, t.text, t.text))
            continue
        if t.kind != "ident" or t.text.startswith('"'):
            continue
        w = t.word
        if nxt is not None and nxt.text == "(" and prev is not None and prev.text == "." and k > 2 \
                and not stmt.startswith(("alter", "comment", "drop", "revoke", "grant")):
            before = toks[k - 3]                    # what stands before "schema."
            defines = before.word in ("function", "aggregate", "procedure", "type", "operator") \
                or (before.kind == "number" and k > 3 and toks[k - 4].word == "function")
            if not defines:
                calls.add(w)
        if nxt is not None and nxt.text == "(" and not (prev is not None and prev.text == "."):
            is_alias = prev is not None and (prev.text in (")",) or prev.word in ("as",)
                                             or (prev.kind == "ident" and prev.word not in NOT_CALLS
                                                 and prev.word not in ("select", "return", "then", "else")))
            if w == "nullif":
                findings.append("%s: NULLIF compares with = looked up by name" % where)
            elif w not in NOT_CALLS and not is_alias and not w.startswith("$"):
                calls.add(w)
                findings.append("%s: call of %s is not schema-qualified" % (where, t.text))
            if w == "in" and nxt.text == "(" and not (prev is not None and prev.word in ("for", "foreach")):
                findings.append("%s: IN (...) compares with = looked up by name: use OPERATOR(pg_catalog.=) ANY (ARRAY[...])" % where)
            continue
        if w == "distinct" and prev is not None and prev.word in ("is", "not"):
            findings.append("%s: IS DISTINCT FROM compares with = looked up by name" % where)
        elif w in ("between", "like", "ilike", "similar") and not stmt.startswith("comment on"):
            findings.append("%s: %s looks up its operators by name" % (where, t.text.upper()))
        elif w == "case" and nxt is not None and nxt.word != "when":
            findings.append("%s: a simple CASE x WHEN compares with = looked up by name: write CASE WHEN x OPERATOR(pg_catalog.=) ..." % where)
        elif prev is not None and prev.text == "::" and w not in KEYWORD_TYPES \
                and not (nxt is not None and nxt.text == "."):
            findings.append("%s: cast to %s, a type name looked up through the search_path: write pg_catalog.%s"
                            % (where, t.text, t.text))
    return findings, ops_used, calls


def shipped_scripts(directory):
    """The project's install and update scripts, as installed in directory"""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(top, "loyalty_kpi.control"), encoding="utf-8") as f:
        version = re.search(r"^default_version = '([^']+)'", f.read(), re.M).group(1)
    names = {"loyalty_kpi--1.0.sql", "loyalty_kpi--%s.sql" % version}
    names |= {os.path.basename(p) for p in glob.glob(os.path.join(top, "loyalty_kpi--*--*.sql"))}
    return [os.path.join(directory, n) for n in sorted(names)]


def main(argv):
    listing = argv[0] if argv[:1] in (["--operators"], ["--calls"]) else None
    files = argv[1:] if listing else argv
    files = [f for arg in files for f in (shipped_scripts(arg) if os.path.isdir(arg) else [arg])]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    all_findings, all_ops, all_calls = [], set(), set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            findings, ops, calls = lint(path, f.read())
        all_findings += findings
        all_ops |= ops
        all_calls |= calls
    if listing:
        for name in sorted(all_ops if listing == "--operators" else all_calls):
            print(name)
        return 0
    for finding in all_findings:
        print(finding)
    print("%d findings in %d files" % (len(all_findings), len(files)))
    return 1 if all_findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
