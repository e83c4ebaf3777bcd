import ChaincodeArchive
import DebugPeer
import DebugPeerAPI
import Foundation
import Hummingbird
import K8sVMCore
import NIOCore

/// The editor backend's HTTP/JSON routes over a ``DebugRunRegistry``:
/// - `POST   /runs?type=golang|binary&name=N[&executable=E]` — body: the source as a tar or tar.gz → 201 and the run
/// - `GET    /runs` — every run; `GET /runs/{id}` — one run (`phase`: building, starting, registered, ended, failed)
/// - `GET    /runs/{id}/logs` — build and chaincode log as text, streamed until the run ends (`?follow=false`: what is there)
/// - `POST   /runs/{id}/invoke`, `POST /runs/{id}/query` — body `{"Args":["fn","arg"]}` → the chaincode's answer
/// - `DELETE /runs/{id}` — stops the run and removes it
enum EditorAPIRoutes {
    /// Largest upload accepted.
    static let maxUpload = 256 << 20

    static func router(for registry: DebugRunRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("runs") { request, context in
            try await create(registry, request, context)
        }
        router.get("runs") { _, _ in
            try json(RunListBody(runs: registry.all.map(RunBody.init)))
        }
        router.get("runs/:id") { _, context in
            try json(RunBody(try lookUp(registry, context)))
        }
        router.delete("runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let run = await registry.delete(id) else { return try notFound(id) }
            return try json(RunBody(run))
        }
        router.get("runs/:id/logs") { request, context in
            let run = try lookUp(registry, context)
            let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"]
            if request.uri.queryParameters.get("follow") == "false" {
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: run.log.contents)))
            }
            let chunks = run.log.follow().map { ByteBuffer(bytes: $0) }
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: chunks))
        }
        router.post("runs/:id/invoke") { request, context in
            try await transact(registry, request, context, mode: .invoke)
        }
        router.post("runs/:id/query") { request, context in
            try await transact(registry, request, context, mode: .query)
        }
        return router
    }

    private static func create(_ registry: DebugRunRegistry, _ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let typeName = query.get("type") else {
            return try json(ErrorBody(error: "name the package type: POST /runs?type=golang or ?type=binary"), status: .badRequest)
        }
        guard let type = ChaincodeType(metadataType: typeName), [.golang, .binary].contains(type) else {
            return try json(ErrorBody(error: "type \"\(typeName)\" cannot be run in a sandbox (types: golang, binary)"), status: .badRequest)
        }
        let name = query.get("name") ?? "chaincode"
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            return try json(ErrorBody(error: "name \"\(name)\" must be 1-64 letters, digits, '-', '_' or '.'"), status: .badRequest)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxUpload)
        } catch {
            return try json(ErrorBody(error: "the upload is larger than \(maxUpload >> 20) MiB"), status: .contentTooLarge)
        }
        guard body.readableBytes > 0 else {
            return try json(ErrorBody(error: "the body must be the chaincode source as a tar or tar.gz"), status: .badRequest)
        }
        let directory = try registry.host.makeDirectory(prefix: "src-")
        do {
            let reader = try ArchiveReader(data: Data(buffer: body), name: "the uploaded source")
            try SafeExtractor().extract(reader, into: directory + "/src")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            return try json(ErrorBody(error: "the upload is not a usable source archive: \(error)"), status: .badRequest)
        }
        let metadata = PackageMetadata(type: type, label: name, path: query.get("path") ?? "", executable: query.get("executable"))
        do {
            let run = try await registry.create(name: name, source: .init(directory: directory + "/src", metadata: metadata),
                                                owning: directory)
            return try json(RunBody(run), status: .created)
        } catch let error as DebugRunError {
            let status: HTTPResponse.Status = switch error {
            case .limitReached: .tooManyRequests
            case .peerDidNotStart: .serviceUnavailable
            }
            return try json(ErrorBody(error: error.description), status: status)
        }
    }

    private static func transact(_ registry: DebugRunRegistry, _ request: Request, _ context: BasicRequestContext,
                                 mode: TransactionMode) async throws -> Response {
        let run = try lookUp(registry, context)
        let body: InvocationBody
        do {
            body = try await request.decode(as: InvocationBody.self, context: context)
        } catch {
            return try json(ErrorBody(error: #"the body must be JSON like {"Args":["function","arg1"]}"#), status: .badRequest)
        }
        guard run.phase == .registered else {
            return try json(ErrorBody(error: "run \(run.id) is \(run.phase.rawValue)\(run.message.map { ": " + $0 } ?? ""), not registered"),
                            status: .conflict)
        }
        do {
            let result = try await run.peer.transact(chaincode: run.chaincodeID, args: body.arguments.map { Data($0.utf8) },
                                                     channel: body.channel, mode: mode)
            return try json(TransactionResponseBody(result))
        } catch {
            return try json(ErrorBody(error: "\(error)"), status: .badGateway)
        }
    }

    private static func lookUp(_ registry: DebugRunRegistry, _ context: BasicRequestContext) throws -> DebugRun {
        let id = try context.parameters.require("id")
        guard let run = registry.run(id) else { throw NoSuchRun(id: id) }
        return run
    }

    private static func notFound(_ id: String) throws -> Response {
        try json(ErrorBody(error: "no debug run \(id)"), status: .notFound)
    }

    /// A run id that names no run: 404 with the usual `{"error": ...}` body.
    struct NoSuchRun: HTTPResponseError {
        let id: String
        var status: HTTPResponse.Status { .notFound }
        func response(from request: Request, context: some RequestContext) throws -> Response {
            try notFound(id)
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
