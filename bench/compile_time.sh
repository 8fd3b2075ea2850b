#!/usr/bin/env bash
# Compile time of a typical dorm translation unit (bench/compile_time_tu.cpp: four models,
# filter/get/save/values/aggregate on each) and of a TU that only includes <dorm/dorm.hpp>,
# in both modes (README "Header-only or compiled"), against an empty one that includes only
# <string> <vector> <optional>, with the project's flags, at -O0 and -O2:
#   header-only  the TU as dorm::dorm builds it: every body parsed, the used ones emitted
#   compiled     the TU as dorm::compiled builds it (-DDORM_COMPILED): declarations and
#                templates only; the library (src/dorm.cpp, with -fPIC as CMake builds it) is
#                compiled once per build, and its own time is a separate line
#
# Usage: bench/compile_time.sh [--runs N] [--report]
#   --runs N   compilations per case (default 3); shown: the median wall time, the median
#              CPU time (user + system: what other load on the machine barely changes) and
#              the largest max RSS
#   --report   also: the TU without code generation (both modes), g++'s -ftime-report
#              phases of the header-only TU (-O0, -O2), the standard headers that dorm's
#              public types need (a floor for the include-only TU), preprocessed sizes
#              (both modes), the standard headers dorm includes and the parse cost of the
#              heavy ones
# Environment: CXX (default g++). Takes about 7 minutes (with --report 9) on an idle machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=3
report=0
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --report) report=1; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

cxx="${CXX:-g++}"
# The flags CMake gives the project's own targets (CMAKE_CXX_EXTENSIONS OFF, dorm_warnings).
flags=(-std=c++20 -Wall -Wextra -Wpedantic -Werror -Iinclude)
tu=bench/compile_time_tu.cpp

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '#include <optional>\n#include <string>\n#include <vector>\nint main() { return 0; }\n' \
    >"$work/empty.cpp"

median() {
    sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints "<median wall s> <median cpu s> <max RSS MiB>" of compiling $1 with the remaining
# flags.
measure() {
    local src="$1"
    shift
    local walls=() cpus=() rss_max=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -v -o "$work/time.txt" "$cxx" "${flags[@]}" "$@" -c "$src" -o "$work/out.o"
        local wall rss
        wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {
                   n = split($2, t, ":"); s = 0
                   for (i = 1; i <= n; i++) s = s * 60 + t[i]
                   print s }' "$work/time.txt")"
        rss="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")"
        cpus+=("$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/time.txt")")
        walls+=("$wall")
        [ "$rss" -gt "$rss_max" ] && rss_max="$rss"
    done
    printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | median)" \
        "$(printf '%s\n' "${cpus[@]}" | median)" \
        "$(awk -v k="$rss_max" 'BEGIN { printf "%.0f", k / 1024 }')"
}

echo "compiler: $("$cxx" --version | head -1)"
echo "flags:    ${flags[*]} -c; $runs runs per case (medians; largest max RSS)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average; other work inflates wall times)"
printf '#include <dorm/dorm.hpp>\nint main() { return 0; }\n' >"$work/include_only.cpp"

row() { # row <label> <source> <flags...>: measures and prints one line of the table
    local label="$1" w c r
    shift
    read -r w c r < <(measure "$@")
    printf '%-52s %9.2f %9.2f %14s\n' "$label" "$w" "$c" "$r"
}

printf '%-52s %9s %9s %14s\n' "case" "wall (s)" "cpu (s)" "max RSS (MiB)"
for opt in -O0 -O2; do
    row "empty TU (<string> <vector> <optional>) $opt" "$work/empty.cpp" "$opt"
    row "dorm TU (4 models), header-only $opt" "$tu" "$opt"
    row "dorm TU (4 models), compiled $opt" "$tu" "$opt" -DDORM_COMPILED
    row "#include <dorm/dorm.hpp> only, header-only $opt" "$work/include_only.cpp" "$opt"
    row "#include <dorm/dorm.hpp> only, compiled $opt" "$work/include_only.cpp" "$opt" \
        -DDORM_COMPILED
    row "dorm library (src/dorm.cpp, once per build) $opt" src/dorm.cpp "$opt" -fPIC \
        -DDORM_COMPILED
done

if [ "$report" = 1 ]; then
    echo
    echo "== where the time goes: the TU without code generation (parsing dorm.hpp alone: above)"
    row "dorm TU, header-only, -fsyntax-only" "$tu" -O0 -fsyntax-only
    row "dorm TU, compiled, -fsyntax-only" "$tu" -O0 -fsyntax-only -DDORM_COMPILED
    for opt in -O0 -O2; do
        echo
        echo "== -ftime-report, dorm TU (header-only) $opt: phases, and passes over 3% of the user time"
        "$cxx" "${flags[@]}" "$opt" -ftime-report -c "$tu" -o "$work/out.o" 2>&1 |
            awk '/phase |TOTAL/ { print; next }
                 /:/ && match($0, /\( *[0-9]+%\)/) {
                     if (substr($0, RSTART + 1, RLENGTH - 3) + 0 >= 3) print }' | cut -c1-60
    done
    echo
    echo "== floors: what a target would have to beat before dorm's own code counts"
    # The standard headers whose types appear in dorm's public signatures in compiled mode:
    # std::string, std::vector, std::optional (everywhere), std::shared_ptr (shared queries),
    # std::variant (Value), std::map (aggregate(), in_bulk()), std::function (QueryLog),
    # std::recursive_mutex (Database::mutex()).
    printf '#include <%s>\n' optional string vector memory variant >"$work/floor_core.cpp"
    printf '#include <%s>\n' optional string vector memory variant map functional mutex \
        >"$work/floor_api.cpp"
    row "std headers: string vector optional memory variant" "$work/floor_core.cpp" -O0
    row "  + map functional mutex (all of the public API's)" "$work/floor_api.cpp" -O0
    echo
    echo "== preprocessed size: lines after #include expansion"
    for src in "$work/empty.cpp" "$tu"; do
        printf '%-40s %8s lines\n' "$(basename "$src")" \
            "$("$cxx" "${flags[@]}" -E "$src" | wc -l)"
    done
    printf '%-40s %8s lines\n' "$(basename "$tu") -DDORM_COMPILED" \
        "$("$cxx" "${flags[@]}" -DDORM_COMPILED -E "$tu" | wc -l)"
    echo
    echo "== standard headers pulled in by dorm/dorm.hpp (direct includes of dorm headers)"
    grep -rhoE '#include <[a-z_0-9/.]+>' include/dorm | sort | uniq -c | sort -rn
    echo
    echo "== parse cost of single standard headers at -O0 (empty TU + the header), seconds"
    for h in regex map unordered_map functional chrono mutex variant memory algorithm string; do
        printf '#include <optional>\n#include <string>\n#include <vector>\n#include <%s>\n' "$h" \
            >"$work/one.cpp"
        read -r w c r < <(measure "$work/one.cpp" -O0)
        printf '  <%s>%*s wall %6.2f  cpu %6.2f\n' "$h" $((16 - ${#h})) "" "$w" "$c"
    done
fi
