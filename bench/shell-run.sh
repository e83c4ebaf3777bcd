#!/bin/sh
# Reference point for the benchmark: a `bin/run` written the usual way, in sh with jq.
# It does what k8svm's run does for a binary chaincode: read chaincode.json, write the TLS files, set the
# variables, exec the chaincode.
set -eu
build_dir=$1
run_dir=$2
json=$run_dir/chaincode.json
tls=$(mktemp -d)
trap 'rm -rf "$tls"' EXIT
id=$(jq -r .chaincode_id "$json")
address=$(jq -r .peer_address "$json")
mspid=$(jq -r '.mspid // ""' "$json")
root=$(jq -r .root_cert "$json")
export CORE_CHAINCODE_ID_NAME="$id" CORE_PEER_ADDRESS="$address" CORE_PEER_LOCALMSPID="$mspid"
if [ -n "$root" ]; then
  printf '%s' "$root" > "$tls/peer.crt"
  jq -r .client_key "$json" > "$tls/client_pem.key"
  jq -r .client_cert "$json" > "$tls/client_pem.crt"
  base64 -w0 "$tls/client_pem.key" > "$tls/client.key"
  base64 -w0 "$tls/client_pem.crt" > "$tls/client.crt"
  export CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_ROOTCERT_FILE="$tls/peer.crt" \
    CORE_TLS_CLIENT_KEY_PATH="$tls/client.key" CORE_TLS_CLIENT_CERT_PATH="$tls/client.crt" \
    CORE_TLS_CLIENT_KEY_FILE="$tls/client_pem.key" CORE_TLS_CLIENT_CERT_FILE="$tls/client_pem.crt"
else
  export CORE_PEER_TLS_ENABLED=false
fi
"$build_dir/chaincode" -peer.address="$address" 1>&2
