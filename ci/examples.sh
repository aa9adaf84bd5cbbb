#!/usr/bin/env bash
# Installs the dev build of shmconform to a temporary prefix and builds and runs examples/
# against the installed package only (no path into the source tree), as a user would.
#   ci/examples.sh            after `cmake --build --preset dev`
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d /tmp/shmconform-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install build/dev --prefix "$prefix" >/dev/null
rm -rf build/examples
# A copy outside the tree, so nothing in it can reach the sources by a relative path.
src=$prefix/examples-src
cp -r examples "$src"
cmake -S "$src" -B build/examples -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build build/examples -j2
ctest --test-dir build/examples -j2 --output-on-failure --no-tests=error
