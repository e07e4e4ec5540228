#!/usr/bin/env python3
"""Checks the release metadata: META.json against the PGXN Meta Spec 1.0.0
(https://pgxn.org/spec/: mandatory keys, semantic versions, terms, tags,
licences, prereq phases and relations, "x_" custom keys), and that
META.json, debian/changelog and loyalty_kpi.control name the same version.
Prints one line per problem and exits 1, or prints "META.json: valid".

    python3 scripts/check_meta.py [META.json]
"""
import json
import re
import sys
from pathlib import Path

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-?[A-Za-z][0-9A-Za-z-]*)?")
LICENSES = set("""agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd freebsd gfdl_1_2 gfdl_1_3
    gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1 openssl perl_5 postgresql
    qpl_1_0 ssleay sun zlib open_source restricted unrestricted unknown""".split())
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
RELEASE_STATUSES = {"stable", "testing", "unstable"}
TOP_KEYS = {"name", "abstract", "version", "maintainer", "license", "provides", "meta-spec",
            "description", "generated_by", "tags", "no_index", "prereqs", "release_status", "resources"}
MANDATORY = {"name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"}
problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def is_custom(key):
    return key.lower().startswith("x_")


def check_string(where, value):
    if not isinstance(value, str) or not value:
        problem(where, "must be a non-empty string")
        return False
    return True


def check_term(where, value):
    # a term: two characters or more, no white space, control characters, slash or backslash
    if check_string(where, value) and (len(value) < 2 or re.search(r"[\s\x00-\x1f\x7f/\\]", value)):
        problem(where, f'"{value}" is not a term (2+ characters, no space, control, / or \\)')


def check_version(where, value):
    if not (isinstance(value, str) and SEMVER.fullmatch(value)):
        problem(where, f'"{value}" is not a semantic version')


def check_version_range(where, value):
    if value == 0 or value == "0":
        return
    if not isinstance(value, str):
        problem(where, f'"{value}" is not a version range')
        return
    for part in re.split(r",\s*", value):
        m = re.fullmatch(r"(<=|>=|<|>|==|!=)?\s*(.*)", part)
        if m.group(2) != "0":
            check_version(where, m.group(2))


def check_meta(meta):
    for key in sorted(MANDATORY - meta.keys()):
        problem(key, "mandatory key missing")
    for key in sorted(meta.keys() - TOP_KEYS):
        if not is_custom(key):
            problem(key, 'unknown key (custom keys begin with "x_")')
    if "name" in meta:
        check_term("name", meta["name"])
    for key in ("abstract", "description", "generated_by"):
        if key in meta:
            check_string(key, meta[key])
    if "version" in meta:
        check_version("version", meta["version"])
    maintainers = meta.get("maintainer", [])
    for m in maintainers if isinstance(maintainers, list) else [maintainers]:
        check_string("maintainer", m)
    lic = meta.get("license")
    if isinstance(lic, dict):
        for name, url in lic.items():
            check_string(f"license/{name}", url)
    elif lic is not None:
        for name in lic if isinstance(lic, list) else [lic]:
            if name not in LICENSES:
                problem("license", f'"{name}" is not a licence the spec names')
    spec = meta.get("meta-spec", {})
    if not isinstance(spec, dict) or spec.get("version") != "1.0.0":
        problem("meta-spec/version", 'must be "1.0.0"')
    provides = meta.get("provides", {})
    if not isinstance(provides, dict) or not provides:
        problem("provides", "must map each extension to its file and version")
        provides = {}
    for ext, p in provides.items():
        check_term(f"provides/{ext}", ext)
        if not isinstance(p, dict):
            problem(f"provides/{ext}", "must be a map")
            continue
        for key in ("file", "version"):
            if key not in p:
                problem(f"provides/{ext}/{key}", "mandatory key missing")
        check_version(f"provides/{ext}/version", p.get("version"))
        for key in ("file", "docfile"):
            if key in p and not Path(p[key]).is_file():
                problem(f"provides/{ext}/{key}", f"{p[key]} is not a file of the distribution")
        for key in p.keys() - {"file", "version", "abstract", "docfile"}:
            if not is_custom(key):
                problem(f"provides/{ext}/{key}", "unknown key")
    if "release_status" in meta and meta["release_status"] not in RELEASE_STATUSES:
        problem("release_status", f"must be one of {sorted(RELEASE_STATUSES)}")
    for tag in meta.get("tags", []):
        if not (isinstance(tag, str) and 0 < len(tag) < 256) or re.search(r"[\x00-\x1f\x7f/\\]", tag):
            problem("tags", f'"{tag}" is not a tag (1 to 255 characters, no control, / or \\)')
    for phase, relations in meta.get("prereqs", {}).items():
        if phase not in PHASES and not is_custom(phase):
            problem(f"prereqs/{phase}", f"not a phase ({sorted(PHASES)})")
        for relation, needs in relations.items():
            if relation not in RELATIONS and not is_custom(relation):
                problem(f"prereqs/{phase}/{relation}", f"not a relation ({sorted(RELATIONS)})")
            for name, version in needs.items():
                check_term(f"prereqs/{phase}/{relation}/{name}", name)
                check_version_range(f"prereqs/{phase}/{relation}/{name}", version)


def check_versions_agree(meta):
    control = Path("loyalty_kpi.control").read_text()
    default = re.search(r"^default_version = '([^']+)'", control, re.M).group(1)
    semver = default + ".0" * (2 - default.count("."))
    if meta.get("version") != semver:
        problem("version", f"{meta.get('version')} is not the control file's {default} ({semver})")
    for ext, p in meta.get("provides", {}).items():
        if isinstance(p, dict) and p.get("version") != semver:
            problem(f"provides/{ext}/version", f"{p.get('version')} is not {semver}")
    changelog = Path("debian/changelog").read_text().splitlines()[0]
    debian = re.match(r"\S+ \(([^)-]+)", changelog).group(1)
    if debian != default:
        problem("debian/changelog", f"version {debian} is not the control file's {default}")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "META.json"
    try:
        meta = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        return 1
    check_meta(meta)
    check_versions_agree(meta)
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: valid (PGXN Meta Spec 1.0.0; version {meta['version']} as in the control file and debian/changelog)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
