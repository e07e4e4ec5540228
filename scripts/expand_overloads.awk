# Expands the overload templates of the per-family install SQL (src/*.sql and src/models/*.sql)
# into the full install script.  The lines between
#     -- @each T: smallint, integer, bigint
# and
#     -- @end
# are written once per listed type, with @T@ replaced by it; the marker
# lines themselves are dropped.  Everything else passes through unchanged.
# Used by the Makefile; one level, no nesting.

/^-- @each [A-Z]+:/ {
    if (collecting) { print FILENAME ": nested @each" > "/dev/stderr"; exit 1 }
    collecting = 1
    header = $0
    sub(/^-- @each /, "", header)
    name = header; sub(/:.*/, "", name)
    list = header; sub(/^[A-Z]+:[ ]*/, "", list)
    ntypes = split(list, types, /[ ]*,[ ]*/)
    nlines = 0
    next
}
/^-- @end$/ {
    if (!collecting) { print FILENAME ": @end without @each" > "/dev/stderr"; exit 1 }
    for (t = 1; t <= ntypes; t++)
        for (i = 1; i <= nlines; i++) {
            line = block[i]
            gsub("@" name "@", types[t], line)
            print line
        }
    collecting = 0
    next
}
collecting { block[++nlines] = $0; next }
{ print }
END {
    if (collecting) { print "unterminated @each" > "/dev/stderr"; exit 1 }
}
