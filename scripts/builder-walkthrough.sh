#!/usr/bin/env bash
# Walks a chaincode package through the external-builder contract the way a Fabric peer does:
# package -> install-builder -> detect -> build -> release -> run (with TLS material in chaincode.json).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product k8svm
k8svm=$PWD/.build/debug/k8svm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== a Go chaincode that prints what the shim would read, then exits"
mkdir -p "$work/cc"
cat > "$work/cc/go.mod" <<'GO'
module example.com/hello

go 1.19
GO
cat > "$work/cc/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	fmt.Println("chaincode started with", strings.Join(os.Args[1:], " "))
	var names []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CORE_") {
			names = append(names, kv)
		}
	}
	sort.Strings(names)
	for _, kv := range names {
		fmt.Println("  ", kv)
	}
}
GO
"$k8svm" package "$work/cc" --label hello_1.0 --type golang -o "$work/hello.tar.gz"

echo "== install the builder and lay the package out as the peer does"
"$k8svm" install-builder "$work/builder"
"$k8svm" package extract "$work/hello.tar.gz" "$work/ctx"
ctx=$work/ctx
env -i PATH="$PATH" TMPDIR="${TMPDIR:-/tmp}" "$work/builder/bin/detect" "$ctx/src" "$ctx/metadata" && echo "detect: claimed"
env -i PATH="$PATH" TMPDIR="${TMPDIR:-/tmp}" "$work/builder/bin/build" "$ctx/src" "$ctx/metadata" "$ctx/bld"
env -i PATH="$PATH" TMPDIR="${TMPDIR:-/tmp}" "$work/builder/bin/release" "$ctx/bld" "$ctx/release"

echo "== run, with TLS material like the peer's"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=peer -days 1 \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir "$work/run"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
cert, key = open(f"{work}/cert.pem").read(), open(f"{work}/key.pem").read()
json.dump({"chaincode_id": "hello_1.0:" + "0" * 64, "peer_address": "127.0.0.1:7052", "client_cert": cert,
           "client_key": key, "root_cert": cert, "mspid": "Org1MSP"}, open(f"{work}/run/chaincode.json", "w"))
PY
env -i PATH="$PATH" TMPDIR="${TMPDIR:-/tmp}" "$work/builder/bin/run" "$ctx/bld" "$work/run"
