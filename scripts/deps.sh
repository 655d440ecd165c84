#!/bin/sh
# deps.sh [--report] [build|check|run|tutorial|bench|fuzz|mpi|all] -- installs the Debian
# packages linreg needs when they are missing: with apt-get when run as root,
# otherwise prints the one apt-get line to run. Quiet when everything is
# there. --report (plain `make`) installs nothing: it names what is missing
# and the make targets that install it, and fails.
set -e
report=0
if [ "${1:-}" = --report ]; then report=1; shift; fi
what=${1:-all}
pkgs_build="gcc make pkg-config libgsl-dev libcjson-dev libopenblas-openmp-dev"
pkgs_check="check libsubunit-dev python3 strace"
pkgs_run="gnuplot-nox"
case "$what" in
    build) want="$pkgs_build" ;;
    check) want="$pkgs_build $pkgs_check" ;;
    run)   want="$pkgs_build" ; optional="$pkgs_run" ;;
    fuzz)  want="$pkgs_build clang libclang-rt-14-dev" ;;
    tutorial|bench) want="$pkgs_build python3 python3-numpy python3-sklearn"
           optional="$pkgs_run" ;;
    mpi)   want="$pkgs_build libopenmpi-dev openmpi-bin python3-numpy" ;;
    all)   want="$pkgs_build $pkgs_check $pkgs_run python3-numpy python3-sklearn" ;;
    *) echo "usage: $0 [--report] [build|check|run|tutorial|bench|fuzz|mpi|all]" >&2; exit 2 ;;
esac
missing=""
for p in $want ${optional:-}; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$report" = 1 ]; then
    echo "deps.sh: missing Debian packages:$missing" >&2
    echo "    'make deps' (as root) installs them; so do 'make check' and 'make run'" >&2
    echo "    or, by hand: apt-get install -y$missing" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086 # $missing is a list of package names
    if ! apt-get install -y -qq $missing >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        # shellcheck disable=SC2086
        if ! apt-get install -y -qq $missing >/dev/null; then
            # optional packages (gnuplot) must not stop the run
            for p in $want; do
                case " $missing " in *" $p "*)
                    echo "deps.sh: could not install $p" >&2; exit 1 ;;
                esac
            done
            echo "deps.sh: optional packages not installed:$missing" >&2
        fi
    fi
else
    for p in $want; do
        case " $missing " in *" $p "*)
            echo "deps.sh: missing packages; run as root:" >&2
            echo "    apt-get install -y$missing" >&2
            exit 1 ;;
        esac
    done
    echo "deps.sh: optional packages missing (plots will be skipped):$missing" >&2
    echo "    apt-get install -y$missing" >&2
fi
