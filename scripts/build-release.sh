#!/bin/sh
# The release build: `swift build -c release` with every module's functions (and C data) in sections of their own,
# so that the link can place the code a `run` executes together (Sources/k8svm/link/hot-code.order). Without these
# flags k8svm still builds and works; a waiting `run` just holds more memory. Extra arguments go to swift build.
#   scripts/build-release.sh --product k8svm
set -eu
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections "$@"
