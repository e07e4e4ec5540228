-- Release metadata (1.11): META.json, for PGXN, valid by the PGXN Meta Spec
-- 1.0.0 (scripts/check_meta.py), naming the version the server installs,
-- as debian/changelog and the control file do.
\! python3 scripts/check_meta.py
\set meta_version `python3 -c "import json; print(json.load(open('META.json'))['provides']['loyalty_kpi']['version'])"`
SELECT :'meta_version' AS meta_json, default_version AS server,
       :'meta_version' = default_version || '.0' AS same_version
FROM pg_available_extensions WHERE name = 'loyalty_kpi';
-- the checker refuses what the spec refuses: a version that is not semantic,
-- a licence it does not name, a missing abstract, an unknown key, a tag with
-- a slash, a prereq phase it does not know
\! f=$(mktemp) && python3 -c "import json, sys; m = json.load(open('META.json')); m['version'] = '1.12'; m['license'] = 'postgres'; del m['abstract']; m['homepage'] = 'x'; m['tags'].append('a/b'); m['prereqs']['deploy'] = {}; json.dump(m, open(sys.argv[1], 'w'))" "$f" && python3 scripts/check_meta.py "$f" >"$f.out"; echo "exit status $?"; sed "s|^$f|META.json (broken)|" "$f.out"; rm -f "$f" "$f.out"
