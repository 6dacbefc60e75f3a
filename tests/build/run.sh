#!/usr/bin/env bash
# The module's list of sources exists once.  nginx's configure sources
# `config` (sh), which globs ngx_taskmgr_module/ and common/; the Makefile
# globs the same directories.  This checks that the three views agree:
#   - what `config` hands to nginx's auto/module (sources and headers),
#   - the Makefile's MODULE_C (what makes it configure again),
#   - the files on disk,
# and that the configured build directory (objs/, objs-san/ with
# SANITIZE=1) compiles exactly those sources: a file missing there would
# show only at nginx -t, as an undefined symbol when the .so is loaded.
# Then the module's shape (tests/build/shape.pl): no cycle between its
# files, C lines within 80 columns.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
san=; [[ ${SANITIZE:-} == 1 ]] && san=-san

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# config ends with `. auto/module`, relative to nginx's source dir: run it
# from a dir whose auto/module only prints what it was given
mkdir -p "$tmp/auto"
cat > "$tmp/auto/module" <<'STUB'
for f in $ngx_module_srcs; do echo "src $f"; done
for f in $ngx_module_deps; do echo "dep $f"; done
STUB
(cd "$tmp" && ngx_addon_dir=$repo sh -c '. "$ngx_addon_dir/config"') > "$tmp/config.out"

rel() { sed "s|^$repo/||" | sort; }
awk '$1 == "src" { print $2 }' "$tmp/config.out" | rel > "$tmp/config.srcs"
awk '$1 == "dep" { print $2 }' "$tmp/config.out" | rel > "$tmp/config.deps"
printf "%s\n" ngx_taskmgr_module/*.c common/*.c | sort > "$tmp/disk.srcs"
printf "%s\n" ngx_taskmgr_module/*.h common/*.h | sort > "$tmp/disk.deps"
# shellcheck disable=SC2016
make --no-print-directory -s --eval 'taskmgr-print-srcs: ; @printf "%s\n" $(MODULE_C)' \
    taskmgr-print-srcs | sort > "$tmp/make.srcs"

rc=0
same() {   # what, expected file, got file
    if ! diff -u "$2" "$3" > "$tmp/diff"; then
        echo "build: $1 differs from the files on disk (- on disk, + $1):" >&2
        cat "$tmp/diff" >&2
        rc=1
    else
        echo "ok: $1 ($(wc -l < "$3") files)"
    fi
}
same "config's ngx_module_srcs" "$tmp/disk.srcs" "$tmp/config.srcs"
same "config's ngx_module_deps" "$tmp/disk.deps" "$tmp/config.deps"
same "the Makefile's MODULE_C" "$tmp/disk.srcs" "$tmp/make.srcs"

# the build directory configure wrote: each source is compiled from its
# absolute path there
objs_mk=objs$san/Makefile
if [[ -f $objs_mk ]]; then
    grep -oE "$repo/(ngx_taskmgr_module|common)/[A-Za-z0-9_]+\.c" "$objs_mk" \
        | rel | uniq > "$tmp/objs.srcs"
    same "$objs_mk's sources" "$tmp/disk.srcs" "$tmp/objs.srcs"
    # no cycle between the module's files, 80 columns (tests/build/shape.pl)
    perl tests/build/shape.pl "objs$san" || rc=1
else
    echo "build: $objs_mk not there (make module${san:+ SANITIZE=1} configures it)" >&2
    rc=1
fi

exit $rc
