import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension RegistryClient {
    /// The digest of the manifest `reference` names, by HEAD (`Docker-Content-Digest`), or by GET and hashing when
    /// the registry sends no digest header; nil when there is no such manifest. The digest is that of whatever the
    /// tag points at (an index stays an index), which is what a cache lookup by tag wants.
    public func manifestDigest(_ reference: RegistryReference) async throws -> Digest? {
        let request = manifestRequest(.HEAD, reference)
        let response = try await send(request)
        guard (200..<300).contains(response.status.code) || response.status.code == 404 else {
            throw await failure(response, request)
        }
        await response.discardBody()
        if response.status.code == 404 { return nil }
        if let header = response.headers.first(name: "Docker-Content-Digest"), let digest = try? Digest(header) {
            return digest
        }
        let (_, body) = try await data(manifestRequest(.GET, reference))
        return Digest.of(body)
    }

    /// The single-platform manifest `reference` names; an OCI index or Docker manifest list resolves to its
    /// linux/amd64 entry.
    /// - Throws: ``RegistryError`` `.notFound` when the image does not exist.
    public func manifest(_ reference: RegistryReference) async throws -> FetchedManifest {
        let (family, isIndex, digest, body) = try await rawManifest(reference)
        if isIndex {
            let index = try decode(ImageIndex.self, body, reference)
            guard let entry = index.manifest(for: .linuxAMD64) else {
                throw RegistryError(registry: registry, operation: "reading manifest \(reference.repository):\(reference.manifestReference)",
                                    kind: .notFound(what: "a linux/amd64 image in index \(reference)"))
            }
            var platformReference = reference
            platformReference.digest = entry.digest
            let (entryFamily, _, entryDigest, entryBody) = try await rawManifest(platformReference)
            return FetchedManifest(manifest: try decode(ImageManifest.self, entryBody, platformReference), family: entryFamily,
                                   digest: entryDigest, bytes: entryBody)
        }
        return FetchedManifest(manifest: try decode(ImageManifest.self, body, reference), family: family, digest: digest, bytes: body)
    }

    /// Pushes a manifest or index under `reference`'s tag (or digest) and returns the digest the registry gave it.
    @discardableResult
    public func putManifest(_ bytes: Data, mediaType: String, as reference: RegistryReference) async throws -> Digest {
        var request = manifestRequest(.PUT, reference)
        request.operation = "pushing manifest \(reference.repository):\(reference.manifestReference)"
        request.headers = [("Content-Type", mediaType)]
        request.body = ByteBuffer(data: bytes)
        request.scopes = [Self.pushScope(reference.repository)]
        let response = try await send(request)
        guard response.status.code == 201 || response.status.code == 200 else { throw await failure(response, request) }
        await response.discardBody()
        let computed = Digest.of(bytes)
        if let header = response.headers.first(name: "Docker-Content-Digest"), header != computed.value {
            throw RegistryError(registry: registry, operation: request.operation,
                                kind: .invalidResponse("stored the manifest as \(header), but its bytes hash to \(computed)"))
        }
        return computed
    }

    /// GETs a manifest or index without decoding it; by digest, the bytes are checked against it. The family and
    /// kind come from the body's `mediaType`, else from `Content-Type` (OCI allows omitting the field).
    private func rawManifest(_ reference: RegistryReference) async throws -> (ManifestFamily, isIndex: Bool, Digest, Data) {
        let request = manifestRequest(.GET, reference)
        let (response, body) = try await data(request, notFound: "image \(reference)")
        let digest = Digest.of(body)
        if let expected = reference.digest, expected != digest {
            throw RegistryError(registry: registry, operation: request.operation,
                                kind: .invalidResponse("manifest \(expected) has bytes hashing to \(digest)"))
        }
        let contentType = response.headers.first(name: "Content-Type")?.split(separator: ";").first.map(String.init) ?? ""
        let mediaType = (try? JSONDecoder().decode(MediaTypeField.self, from: body))?.mediaType ?? contentType
        guard let family = ManifestFamily(mediaType: mediaType) else {
            throw RegistryError(registry: registry, operation: request.operation,
                                kind: .invalidResponse("manifest of \(reference) has the unsupported media type \(mediaType)"))
        }
        return (family, mediaType == family.index, digest, body)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ body: Data, _ reference: RegistryReference) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw RegistryError(registry: registry, operation: "reading manifest \(reference.repository):\(reference.manifestReference)",
                                kind: .invalidResponse("manifest of \(reference) cannot be decoded: \(error)"))
        }
    }

    private func manifestRequest(_ method: HTTPMethod, _ reference: RegistryReference) -> Request {
        Request(method: method, target: "/v2/\(reference.repository)/manifests/\(reference.manifestReference)",
                headers: [("Accept", ManifestFamily.acceptable.joined(separator: ", "))],
                repository: reference.repository, scopes: [Self.pullScope(reference.repository)],
                operation: "reading manifest \(reference.repository):\(reference.manifestReference)")
    }
}

/// The field that tells a manifest from an index.
private struct MediaTypeField: Decodable {
    var mediaType: String?
}
