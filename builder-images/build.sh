#!/usr/bin/env bash
# Builds the three stage-1 ccenv images and the three stage-2 runtime bases and pushes them:
#
#   builder-images/build.sh REGISTRY [BASE_IMAGE]     e.g. build.sh 127.0.0.1:5000 k8svm/debian-base:bookworm
#
# Images: REGISTRY/k8svm/{ccenv-golang,ccenv-node,ccenv-java,runtime-go,runtime-node,runtime-java}:VERSION, VERSION
# from $K8SVM_IMAGE_VERSION or the K8sVM version. BASE_IMAGE (default debian:bookworm-slim) is any Debian bookworm
# image, e.g. one made by make-base.sh. REGISTRY "-" builds without pushing. $K8SVM_IMAGES limits the set
# (space-separated names). The Docker engine is the one `docker` talks to (DOCKER_HOST).
# ccenv-golang installs Go $K8SVM_GO_VERSION (default: its Dockerfile's GO_VERSION) from go.dev, or, with
# $K8SVM_GO_TOOLCHAIN (a Go root directory, e.g. `go env GOROOT`), that toolchain, sent in the build context.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
registry=${1:?usage: build.sh REGISTRY [BASE_IMAGE]}
base=${2:-debian:bookworm-slim}
version=${K8SVM_IMAGE_VERSION:-$(sed -n 's/.*current = "\(.*\)".*/\1/p' "$here/../Sources/K8sVMCore/K8sVMVersion.swift")}
images=${K8SVM_IMAGES:-ccenv-golang ccenv-node ccenv-java runtime-go runtime-node runtime-java}
for image in $images; do
  name="k8svm/$image:$version"
  [ "$registry" = - ] || name="$registry/$name"
  echo "build.sh: building $name from $base" >&2
  build_args=(--build-arg "BASE_IMAGE=$base")
  [ -z "${K8SVM_GO_VERSION:-}" ] || build_args+=(--build-arg "GO_VERSION=$K8SVM_GO_VERSION")
  # The context as a tar: builder-images/ plus go-toolchain/, empty or the local Go root.
  empty=$(mktemp -d)
  toolchain=${K8SVM_GO_TOOLCHAIN:-$empty}
  [ "$image" = ccenv-golang ] || toolchain=$empty
  [ -x "$toolchain/bin/go" ] || [ "$toolchain" = "$empty" ] || { echo "build.sh: $toolchain has no bin/go" >&2; exit 1; }
  # Members of builder-images/ start with ./, so only the toolchain's are renamed.
  tar -c -C "$here" --exclude='*.md' . -C "$(dirname "$toolchain")" --transform "s,^$(basename "$toolchain"),go-toolchain," \
      "$(basename "$toolchain")" \
    | docker build --network host "${build_args[@]}" -f "$image/Dockerfile" -t "$name" - >&2
  rmdir "$empty"
  [ "$registry" = - ] || docker push "$name" >&2
  echo "$name"
done
