import Foundation
import OCIRegistry
import TestServices
import Testing

/// Manifests, blobs and transports against a real docker-registry.
@Suite struct RegistryClientTests {
    @Test func aChunkedUploadRoundTripsAMultiChunkBlob() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/blob.bin"
        _ = try shell("head -c 300000 /dev/urandom > '\(file)'")
        let digest = try Digest.of(file: file)
        #expect(digest.value == "sha256:" + (try shell("sha256sum '\(file)' | cut -d' ' -f1")))
        let counts = try await withClient(registry.address, chunkSize: 64 << 10) { client in
            #expect(try await client.blobExists(digest, in: "chunks/test") == false)
            try await client.uploadBlob(.file(path: file), digest: digest, to: "chunks/test")
            #expect(try await client.blobExists(digest, in: "chunks/test"))
            return client.transferCounts
        }
        #expect(counts.uploadedBlobs == 1 && counts.uploadedBytes == 300_000)
        #expect(registry.requests.filter { $0.hasPrefix("PATCH /v2/chunks/test/blobs/uploads/") && $0.hasSuffix(" 202") }.count == 5,
                "300000 bytes in 64 KiB chunks")
        let downloaded = try shell("curl -sSf 'http://\(registry.address)/v2/chunks/test/blobs/\(digest)' | sha256sum | cut -d' ' -f1")
        #expect("sha256:" + downloaded == digest.value)
    }

    @Test func aWrongDigestIsRejectedByTheRegistry() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address) { client in
                try await client.uploadBlob(.bytes(Data("abc".utf8)), digest: Digest.of(Data("abd".utf8)), to: "wrong/digest")
            }
        }
        let message = try #require(error).description
        #expect(message.hasPrefix("registry \(registry.address) answered HTTP 400: DIGEST_INVALID"), "\(message)")
        #expect(message.hasSuffix("(while uploading blob \(Digest.of(Data("abd".utf8))) to wrong/digest)"))
        #expect(registry.requests.contains { $0.hasPrefix("DELETE /v2/wrong/digest/blobs/uploads/") }, "the failed session was cancelled")
    }

    @Test func aMissingImageIsNamedWithItsRegistry() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let reference = try RegistryReference(parsing: "\(registry.address)/nothing/here:1")
        let digest = try await withClient(registry.address) { client in try await client.manifestDigest(reference) }
        #expect(digest == nil)
        let error = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address) { client in try await client.manifest(reference) }
        }
        #expect(try #require(error).description == "image \(reference) not found in registry \(registry.address) (while reading manifest nothing/here:1)")
    }

    @Test func httpsWithAPrivateCAIsTrustedOnlyWithThatCA() async throws {
        let registry = try TestRegistry(tls: true)
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let reference = try RegistryReference(parsing: "\(registry.address)/secure/base:1")
        let pushed = try await withClient(registry.address, scheme: .https(caFile: registry.caFile)) { client in
            let base = try await Fixtures.pushBase(client, as: reference, family: .oci, directory: directory.path)
            #expect(try await client.manifestDigest(reference) == Digest.of(try base.manifest.encoded()))
            return try await client.manifest(reference)
        }
        let curlDigest = try shell("curl -sSf --cacert '\(registry.caFile!)' -H 'Accept: \(ManifestFamily.oci.manifest)' 'https://\(registry.address)/v2/secure/base/manifests/1' | sha256sum | cut -d' ' -f1")
        #expect(pushed.digest.value == "sha256:" + curlDigest)
        #expect(pushed.family == .oci)

        let untrusted = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address, scheme: .https()) { client in try await client.manifestDigest(reference) }
        }
        #expect(try #require(untrusted).description.hasPrefix("registry \(registry.address) is unreachable: TLS handshake failed: "))
    }

    @Test func referencesAlwaysNameARegistry() throws {
        let full = try RegistryReference(parsing: "127.0.0.1:5000/cc/basic:v1@sha256:" + String(repeating: "ab", count: 32))
        #expect(full.registry == "127.0.0.1:5000" && full.repository == "cc/basic" && full.tag == "v1")
        #expect(full.manifestReference == "sha256:" + String(repeating: "ab", count: 32))
        let plain = try RegistryReference(parsing: "registry.example/a/b-c/d__e")
        #expect(plain.repository == "a/b-c/d__e" && plain.tag == nil && plain.manifestReference == "latest")
        #expect(try RegistryReference(parsing: "localhost/x:y").registry == "localhost")
        for invalid in ["busybox", "library/busybox:1", "127.0.0.1:5000/Upper", "127.0.0.1:5000/a//b", "127.0.0.1:5000/a:bad/tag",
                        "127.0.0.1:5000/a@sha256:short", "127.0.0.1:5000/-a"] {
            #expect(throws: RegistryInputError.self, "\(invalid)") { try RegistryReference(parsing: invalid) }
        }
        #expect(RegistryScheme.default(for: "127.0.0.1:5000") == .http)
        #expect(RegistryScheme.default(for: "localhost:5000") == .http)
        #expect(RegistryScheme.default(for: "registry.example:5000") == .https())
        #expect(RegistryScheme.default(for: "127.0.0.1.example") == .https())
    }

    @Test func layerMeasurementMatchesSha256sum() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let layer = try Fixtures.layer(in: directory.path, name: "file", contents: "hello", extraBytes: 100_000)
        #expect(try LayerBlob.measure(file: layer.file) == layer)
        #expect(throws: RegistryInputError.self) { try LayerBlob.measure(file: directory.path + "/missing.tar.gz") }
    }
}
