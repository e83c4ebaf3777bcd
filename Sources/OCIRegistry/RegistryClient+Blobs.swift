import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension RegistryClient {
    /// Whether `repository` has the blob `digest` (HEAD).
    public func blobExists(_ digest: Digest, in repository: String) async throws -> Bool {
        let request = Request(method: .HEAD, target: "/v2/\(repository)/blobs/\(digest)", repository: repository,
                              scopes: [Self.pullScope(repository)], operation: "checking blob \(digest) in \(repository)")
        let response = try await send(request)
        switch response.status.code {
        case 200..<300, 404:
            await response.discardBody()
            return response.status.code != 404
        default:
            throw await failure(response, request)
        }
    }

    /// Downloads a small blob (an image configuration) and checks its digest. Layers are never downloaded.
    public func blob(_ digest: Digest, in repository: String, limit: Int = 8 << 20) async throws -> Data {
        let request = Request(method: .GET, target: "/v2/\(repository)/blobs/\(digest)", repository: repository,
                              scopes: [Self.pullScope(repository)], operation: "reading blob \(digest) from \(repository)")
        let (_, body) = try await data(request, limit: limit, notFound: "blob \(digest) of \(repository)")
        guard Digest.of(body) == digest else {
            throw RegistryError(registry: registry, operation: request.operation,
                                kind: .invalidResponse("blob \(digest) has bytes hashing to \(Digest.of(body))"))
        }
        return body
    }

    /// Uploads a blob to `repository`: in one PUT when smaller than ``chunkSize``, else in PATCH chunks of that size
    /// followed by the closing PUT. The registry checks `digest`. A failed upload's session is cancelled.
    public func uploadBlob(_ source: BlobSource, digest: Digest, to repository: String) async throws {
        let operation = "uploading blob \(digest) to \(repository)"
        let size = try source.size()
        let session = try await startUpload(repository: repository, query: "", operation: operation).location
        do {
            try await upload(source, size: size, digest: digest, session: session, repository: repository, operation: operation)
        } catch {
            await cancelUpload(session, repository: repository, operation: operation)
            throw error
        }
        count {
            $0.uploadedBlobs += 1
            $0.uploadedBytes += size
        }
    }

    /// Sends the bytes into an open upload session and closes it with the digest.
    private func upload(_ source: BlobSource, size: Int64, digest: Digest, session: String, repository: String,
                        operation: String) async throws {
        var location = session
        var closing = Request(method: .PUT, target: "", repository: repository, scopes: [Self.pushScope(repository)],
                              operation: operation)
        if size < Int64(chunkSize) {
            closing.headers = [("Content-Type", "application/octet-stream")]
            closing.body = ByteBuffer(data: try source.read(offset: 0, count: Int(size)))
        } else {
            var offset: Int64 = 0
            while offset < size {
                let chunk = try source.read(offset: offset, count: chunkSize)
                guard !chunk.isEmpty else { throw RegistryInputError("the blob \(digest) ended after \(offset) of \(size) bytes") }
                let patch = Request(method: .PATCH, target: location,
                                    headers: [("Content-Type", "application/octet-stream"),
                                              ("Content-Range", "\(offset)-\(offset + Int64(chunk.count) - 1)")],
                                    body: ByteBuffer(data: chunk), repository: repository,
                                    scopes: [Self.pushScope(repository)], operation: operation)
                let response = try await send(patch, timeout: .minutes(5))
                guard response.status.code == 202 else { throw await failure(response, patch) }
                await response.discardBody()
                location = try nextLocation(response, patch)
                offset += Int64(chunk.count)
            }
        }
        closing.target = location + (location.contains("?") ? "&" : "?") + "digest=\(digest)"
        let response = try await send(closing, timeout: .minutes(5))
        guard response.status.code == 201 else { throw await failure(response, closing) }
        await response.discardBody()
    }

    /// Asks the registry to link blob `digest` from repository `source` into `repository` without any upload.
    /// Returns false when the registry declined (202: it opened an upload session instead, which is cancelled here);
    /// the caller decides what to do then.
    public func mountBlob(_ digest: Digest, from source: String, into repository: String) async throws -> Bool {
        let operation = "mounting blob \(digest) from \(source) into \(repository)"
        let query = "?mount=\(digest)&from=\(source)"
        let (status, location) = try await startUpload(repository: repository, query: query, operation: operation,
                                                       extraScopes: [Self.pullScope(source)])
        if status == 201 {
            count { $0.mountedBlobs += 1 }
            return true
        }
        await cancelUpload(location, repository: repository, operation: operation)
        return false
    }

    /// Deletes an upload session, best effort: the registry also expires sessions left behind.
    private func cancelUpload(_ location: String, repository: String, operation: String) async {
        let cancel = Request(method: .DELETE, target: location, repository: repository, scopes: [Self.pushScope(repository)],
                             operation: "cancelling the upload session of " + operation)
        await (try? send(cancel))?.discardBody()
    }

    /// POST `/v2/<repository>/blobs/uploads/<query>`: returns the status (201 mounted, 202 session opened) and
    /// the `Location`.
    private func startUpload(repository: String, query: String, operation: String,
                             extraScopes: [String] = []) async throws -> (status: UInt, location: String) {
        let request = Request(method: .POST, target: "/v2/\(repository)/blobs/uploads/\(query)", repository: repository,
                              scopes: [Self.pushScope(repository)] + extraScopes, operation: operation)
        let response = try await send(request)
        guard response.status.code == 201 || response.status.code == 202 else { throw await failure(response, request) }
        await response.discardBody()
        return (response.status.code, try nextLocation(response, request))
    }

    private func nextLocation(_ response: HTTPClientResponse, _ request: Request) throws -> String {
        guard let location = response.headers.first(name: "Location") else {
            throw RegistryError(registry: registry, operation: request.operation,
                                kind: .invalidResponse("HTTP \(response.status.code) without a Location header"))
        }
        return location
    }
}

extension HTTPClientResponse {
    /// Reads and drops the body, so the connection can carry the next request.
    func discardBody() async {
        _ = try? await body.collect(upTo: 1 << 20)
    }
}
