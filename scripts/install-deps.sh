#!/usr/bin/env bash
# Installs the Debian packages K8sVM needs to build, test and benchmark (Swift itself comes with the machine).
set -euo pipefail
packages=(
  libarchive-dev pkg-config  # ChaincodeArchive links libarchive
  gcc libc6-dev              # the C launch helper and the tests' recorder chaincode
  openssl                    # tests make TLS material
  golang-go                  # the local backend builds golang packages with the host's Go
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
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
