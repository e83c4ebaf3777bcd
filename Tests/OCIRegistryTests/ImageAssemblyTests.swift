import Foundation
import OCIRegistry
import TestServices
import Testing

/// Stage 2 against a real docker-registry: the pushed image is read back with curl, as a user or a container
/// runtime would see it.
@Suite struct ImageAssemblyTests {
    static let changes = ImageConfigChanges(
        entrypoint: ["/chaincode/bin/chaincode"], cmd: ["--serve"], user: "10001:10001", workingDir: "/chaincode",
        labels: ["org.opencontainers.image.title": "basic_1.0", "io.k8svm.package-id": "basic_1.0:abc"],
        environment: ["LANG": "C.UTF-8", "CHAINCODE_DIR": "/chaincode"])

    /// `curl` a registry path; `-f` so an HTTP error fails the test.
    func curl(_ registry: TestRegistry, _ path: String, accept: String? = nil, to file: String) throws -> String {
        let header = accept.map { "-H 'Accept: \($0)'" } ?? ""
        return try shell("curl -sSf \(header) -D - -o '\(file)' 'http://\(registry.address)\(path)'")
    }

    func json(_ file: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
    }

    @Test(arguments: [ManifestFamily.oci, .docker])
    func theAssembledImageIsWhatCurlReadsBack(family: ManifestFamily) async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = try RegistryReference(parsing: "\(registry.address)/runtime/base:1")
        let baseImage = try await withClient(registry.address) { client in
            try await Fixtures.pushBase(client, as: base, family: family, directory: directory.path)
        }
        let layer = try Fixtures.layer(in: directory.path, name: "chaincode", contents: "#!/bin/sh\necho hi\n")

        let target = try RegistryReference(parsing: "\(registry.address)/chaincode/basic:pkg-1")
        let (pushed, counts) = try await withClient(registry.address) { client in
            let pushed = try await ImageAssembly(client: client).assemble(
                base: base, target: target, layer: layer, changes: Self.changes, createdBy: "k8svm build: basic_1.0")
            return (pushed, client.transferCounts)
        }

        // The manifest, as the registry serves it to curl.
        let manifestFile = directory.path + "/manifest.json"
        let headers = try curl(registry, "/v2/chaincode/basic/manifests/pkg-1", accept: family.manifest, to: manifestFile)
        #expect(headers.contains("Docker-Content-Digest: \(pushed.digest)"))
        #expect(try shell("sha256sum '\(manifestFile)' | cut -d' ' -f1") == String(pushed.digest.value.dropFirst(7)))
        #expect(pushed.reference.description == "\(registry.address)/chaincode/basic:pkg-1@\(pushed.digest)")
        #expect(pushed.mediaType == family.manifest)
        let manifest = try json(manifestFile)
        #expect(manifest["mediaType"] as? String == family.manifest)
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.map { $0["digest"] as? String } == (baseImage.layers + [layer]).map(\.digest.value))
        #expect(layers.last?["mediaType"] as? String == family.gzipLayer)
        #expect(layers.last?["size"] as? Int == Int(layer.size))
        let configDescriptor = try #require(manifest["config"] as? [String: Any])
        #expect(configDescriptor["mediaType"] as? String == family.config)

        // The new layer's bytes are the file's bytes.
        let blobFile = directory.path + "/layer.blob"
        _ = try curl(registry, "/v2/chaincode/basic/blobs/\(layer.digest)", to: blobFile)
        #expect(try shell("sha256sum '\(blobFile)' | cut -d' ' -f1") == String(layer.digest.value.dropFirst(7)))

        // The configuration: diff_ids end with the layer's, run settings changed, the base's other fields kept.
        let configFile = directory.path + "/config.json"
        _ = try curl(registry, "/v2/chaincode/basic/blobs/\(configDescriptor["digest"] as! String)", to: configFile)
        #expect(try shell("sha256sum '\(configFile)' | cut -d' ' -f1") == String((configDescriptor["digest"] as! String).dropFirst(7)))
        let config = try json(configFile)
        let rootfs = try #require(config["rootfs"] as? [String: Any])
        #expect(rootfs["diff_ids"] as? [String] == (baseImage.layers + [layer]).map(\.diffID.value))
        let run = try #require(config["config"] as? [String: Any])
        #expect(run["Entrypoint"] as? [String] == ["/chaincode/bin/chaincode"])
        #expect(run["Cmd"] as? [String] == ["--serve"])
        #expect(run["User"] as? String == "10001:10001")
        #expect(run["WorkingDir"] as? String == "/chaincode")
        #expect(run["Labels"] as? [String: String] == ["base": "yes", "org.opencontainers.image.title": "basic_1.0",
                                                       "io.k8svm.package-id": "basic_1.0:abc"])
        #expect(run["Env"] as? [String] == ["PATH=/usr/bin:/bin", "CHAINCODE_DIR=/chaincode", "LANG=C.UTF-8"])
        let history = try #require(config["history"] as? [[String: Any]])
        #expect(history.map { $0["created_by"] as? String } == ["base layer 1", "base layer 2", "k8svm build: basic_1.0"])
        #expect(try shell("jq -c .k8svm_test_unknown '\(configFile)'") == #"{"kept":[1,2.5,true,null]}"#)
        #expect(config["architecture"] as? String == "amd64")

        // The base layers were mounted, never uploaded again; only the new layer and the config went up.
        #expect(counts.mountedBlobs == 2)
        #expect(counts.uploadedBlobs == 2)
        #expect(counts.uploadedBytes == layer.size + Int64(try shell("stat -c %s '\(configFile)'"))!)
        let requests = registry.requests
        for baseLayer in baseImage.layers {
            #expect(requests.contains("POST /v2/chaincode/basic/blobs/uploads/?mount=\(baseLayer.digest)&from=runtime/base 201"), "\(requests)")
            #expect(requests.filter { $0.contains("digest=\(baseLayer.digest)") }.count == 1, "the base layer went up once, for the base")
            #expect(!requests.contains { $0.hasPrefix("GET /v2/runtime/base/blobs/\(baseLayer.digest)") }, "never downloaded")
        }
    }

    @Test(arguments: [ManifestFamily.oci, .docker])
    func anIndexBaseResolvesToItsLinuxAMD64Image(family: ManifestFamily) async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = try RegistryReference(parsing: "\(registry.address)/runtime/multi:1")
        let amd64 = try await withClient(registry.address) { client in
            let arm64 = try await Fixtures.pushBase(client, as: base.tagged("arm64"), family: family, directory: directory.path, architecture: "arm64")
            let amd64 = try await Fixtures.pushBase(client, as: base.tagged("amd64"), family: family, directory: directory.path)
            var entries: [Descriptor] = []
            for (image, platform) in [(arm64, Descriptor.Platform(architecture: "arm64", os: "linux")), (amd64, .linuxAMD64)] {
                let bytes = try image.manifest.encoded()
                entries.append(Descriptor(mediaType: family.manifest, digest: Digest.of(bytes), size: Int64(bytes.count), platform: platform))
            }
            try await client.putManifest(try ImageIndex(family: family, manifests: entries).encoded(), mediaType: family.index, as: base)
            return amd64
        }
        let layer = try Fixtures.layer(in: directory.path, name: "chaincode", contents: "binary")
        let target = try RegistryReference(parsing: "\(registry.address)/chaincode/multi:pkg")
        let pushed = try await withClient(registry.address) { client in
            try await ImageAssembly(client: client).assemble(base: base, target: target, layer: layer, changes: Self.changes,
                                                             createdBy: "k8svm build: multi")
        }
        let manifestFile = directory.path + "/manifest.json"
        let headers = try curl(registry, "/v2/chaincode/multi/manifests/\(pushed.digest)", accept: family.manifest, to: manifestFile)
        #expect(headers.contains("Docker-Content-Digest: \(pushed.digest)"))
        #expect(pushed.mediaType == family.manifest, "an index's family is kept")
        let manifest = try json(manifestFile)
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.map { $0["digest"] as? String } == (amd64.layers + [layer]).map(\.digest.value))
        let configDigest = try #require((manifest["config"] as? [String: Any])?["digest"] as? String)
        let configFile = directory.path + "/config.json"
        _ = try curl(registry, "/v2/chaincode/multi/blobs/\(configDigest)", to: configFile)
        #expect(try shell("jq -r .architecture '\(configFile)'") == "amd64")
    }

    @Test func aSecondAssemblyWithTheSameLayerUploadsOnlyTheConfiguration() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = try RegistryReference(parsing: "\(registry.address)/runtime/base:1")
        let layer = try Fixtures.layer(in: directory.path, name: "chaincode", contents: "binary")
        let target = try RegistryReference(parsing: "\(registry.address)/chaincode/again:one")
        let counts = try await withClient(registry.address) { client in
            try await Fixtures.pushBase(client, as: base, family: .docker, directory: directory.path)
            let assembly = ImageAssembly(client: client)
            let first = try await assembly.assemble(base: base, target: target, layer: layer, changes: Self.changes, createdBy: "k8svm build: a",
                                                    created: Date(timeIntervalSince1970: 1_700_000_000))
            let before = client.transferCounts
            let second = try await assembly.assemble(base: base, target: target.tagged("two"), layer: layer, changes: Self.changes,
                                                     createdBy: "k8svm build: a", created: Date(timeIntervalSince1970: 1_700_000_000))
            #expect(first.digest == second.digest, "same inputs, same image")
            let after = client.transferCounts
            return (before, after)
        }
        #expect(counts.1.uploadedBlobs == counts.0.uploadedBlobs, "nothing new to upload: layer and config are present")
        #expect(counts.1.mountedBlobs == counts.0.mountedBlobs)
        #expect(counts.1.presentBlobs == counts.0.presentBlobs + 4, "two base layers, the layer and the config")
        #expect(try shell("curl -sSf -o /dev/null -w '%{http_code}' -I -H 'Accept: \(ManifestFamily.docker.manifest)' 'http://\(registry.address)/v2/chaincode/again/manifests/two'") == "200")
    }

    @Test func aBaseLayerTheRegistryWillNotMountIsAnErrorNotADownload() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = try RegistryReference(parsing: "\(registry.address)/runtime/base:1")
        let baseImage = try await withClient(registry.address) { client in
            try await Fixtures.pushBase(client, as: base, family: .oci, directory: directory.path)
        }
        // Unlink a base layer from the base repository: the manifest still names it, but it cannot be mounted.
        let unlinked = baseImage.layers[1].digest
        _ = try shell("curl -sSf -X DELETE 'http://\(registry.address)/v2/runtime/base/blobs/\(unlinked)'")
        let layer = try Fixtures.layer(in: directory.path, name: "chaincode", contents: "binary")
        let target = try RegistryReference(parsing: "\(registry.address)/chaincode/orphan:pkg")
        let error = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address) { client in
                try await ImageAssembly(client: client).assemble(base: base, target: target, layer: layer, changes: Self.changes,
                                                                 createdBy: "k8svm build: orphan")
            }
        }
        let message = try #require(error).description
        #expect(message.contains("registry \(registry.address)"))
        #expect(message.contains("declined to mount base layer \(unlinked) from runtime/base into chaincode/orphan"))
        #expect(!registry.requests.contains { $0.hasPrefix("GET /v2/runtime/base/blobs/\(unlinked)") }, "never downloaded")
        #expect(registry.requests.contains { $0.hasPrefix("DELETE /v2/chaincode/orphan/blobs/uploads/") }, "the upload session opened instead was cancelled")
        #expect(try shell("curl -s -o /dev/null -w '%{http_code}' 'http://\(registry.address)/v2/chaincode/orphan/manifests/pkg'") == "404")
    }

    @Test func aBaseInAnotherRegistryIsRefusedBeforeAnyRequest() async throws {
        let port = try TestRegistry.freeLoopbackPort()
        let error = await #expect(throws: RegistryError.self) {
            try await withClient("127.0.0.1:\(port)") { client in
                try await ImageAssembly(client: client).assemble(
                    base: try RegistryReference(parsing: "127.0.0.2:\(port)/runtime/base:1"),
                    target: try RegistryReference(parsing: "127.0.0.1:\(port)/chaincode/x:1"),
                    layer: LayerBlob(file: "/nonexistent", digest: Digest.of(Data()), diffID: Digest.of(Data()), size: 0),
                    changes: Self.changes, createdBy: "k8svm build: x")
            }
        }
        #expect(try #require(error).description.contains("must both be in this registry"))
    }
}
