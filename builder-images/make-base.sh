#!/usr/bin/env bash
# Makes a minimal Debian base image without any registry: debootstrap (minbase) into a temporary directory, then
# `docker import` it as NAME. The Docker engine is the one `docker` talks to (DOCKER_HOST). Needs root (debootstrap).
#
#   builder-images/make-base.sh NAME [SUITE [MIRROR]]      e.g. make-base.sh k8svm/debian-base:bookworm
set -euo pipefail
name=${1:?usage: make-base.sh NAME [SUITE [MIRROR]]}
suite=${2:-bookworm}
mirror=${3:-http://deb.debian.org/debian}
root=$(mktemp -d "${TMPDIR:-/tmp}/k8svm-base.XXXXXX")
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2
# Package lists and caches make the image bigger and are stale at once.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' - "$name" >&2
echo "$name"
