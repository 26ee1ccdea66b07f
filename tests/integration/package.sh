#!/usr/bin/env bash
# `cmake --install` installs the binary and the man page; `cpack -G DEB` builds a Debian package
# that holds both, depends on the shared libraries godwit links, and whose binary runs.
#
# Usage: package.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@" >"$work/check.log" 2>&1; then
    passed=$((passed + 1))
  else
    cat "$work/check.log"
    echo "FAILED: $what"
    failed=$((failed + 1))
  fi
}

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
check "cmake --install puts an executable godwit in bin/" test -x "$work/prefix/bin/godwit"
check "the installed godwit runs" sh -c "'$work/prefix/bin/godwit' --version | grep -qx 'godwit [0-9.]*'"
check "cmake --install puts the man page in share/man/man1/" test -f "$work/prefix/share/man/man1/godwit.1"
if command -v groff >/dev/null; then
  check "the man page renders without warnings" \
    sh -c "groff -man -ww -z '$work/prefix/share/man/man1/godwit.1' 2>&1 | { ! grep .; }"
fi

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; echo "FAILED: cpack -G DEB"; exit 1; }
deb=$(ls "$work"/package/godwit_*.deb)
check "the package holds /usr/bin/godwit" sh -c "dpkg-deb -c '$deb' | grep -q ' ./usr/bin/godwit$'"
check "the package holds the man page" sh -c "dpkg-deb -c '$deb' | grep -q ' ./usr/share/man/man1/godwit.1$'"
check "the package depends on the tree-sitter runtime" sh -c "dpkg-deb -f '$deb' Depends | grep -q libtree-sitter"
dpkg-deb -x "$deb" "$work/root"
check "the packaged godwit runs" "$work/root/usr/bin/godwit" rules
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
