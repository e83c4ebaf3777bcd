#!/usr/bin/env bash
# Regenerates Sources/ChaincodeProtocol/Generated from the .proto subset in
# Sources/ChaincodeProtocol/protos using protoc, protoc-gen-swift (swift-protobuf)
# and protoc-gen-grpc-swift-2 (grpc-swift-protobuf). The plugins are built from
# this package's own dependencies, so their versions match the runtime libraries.
#
# Usage: scripts/generate-protos.sh            (run from anywhere)
# Needs: protoc on PATH (Debian: apt-get install -y protobuf-compiler).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
protos="$root/Sources/ChaincodeProtocol/protos"
out="$root/Sources/ChaincodeProtocol/Generated"

command -v protoc >/dev/null || { echo "protoc not found (apt-get install -y protobuf-compiler)" >&2; exit 1; }

# Well-known types (google/protobuf/timestamp.proto) ship with protoc.
include=""
for dir in /usr/include /usr/local/include "$(dirname "$(command -v protoc)")/../include"; do
  if [ -f "$dir/google/protobuf/timestamp.proto" ]; then include="$dir"; break; fi
done
[ -n "$include" ] || { echo "google/protobuf/timestamp.proto not found next to protoc" >&2; exit 1; }

cd "$root"
swift build --product protoc-gen-swift >&2
swift build --product protoc-gen-grpc-swift-2 >&2
bin="$(swift build --show-bin-path)"

rm -rf "$out"
mkdir -p "$out"
cd "$protos"
files=$(find . -name '*.proto' | sed 's|^\./||' | sort)

# Messages for every file; the gRPC service only for the file that declares it.
protoc -I "$protos" -I "$include" \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --swift_out="$out" \
  --swift_opt=Visibility=Public \
  --swift_opt=FileNaming=PathToUnderscores \
  $files
protoc -I "$protos" -I "$include" \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --grpc-swift-2_out="$out" \
  --grpc-swift-2_opt=Visibility=Public \
  --grpc-swift-2_opt=FileNaming=PathToUnderscores \
  --grpc-swift-2_opt=Server=true \
  --grpc-swift-2_opt=Client=true \
  peer/chaincode_shim.proto

echo "generated into $out:" >&2
ls "$out" >&2
