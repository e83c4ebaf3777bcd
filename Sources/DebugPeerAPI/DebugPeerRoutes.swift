import DebugPeer
import Foundation
import Hummingbird
import NIOCore

/// The HTTP/JSON routes over a ``DebugPeer``:
/// - `GET  /chaincodes` — registered chaincode ids
/// - `POST /chaincodes/{id}/invoke`, `POST /chaincodes/{id}/query` — body `{"Args":[...]}`
/// - `GET  /state/{channel}/{namespace}?key=K` — one key; `?prefix=P` (or neither) — a listing
/// - `GET  /events` — committed chaincode events as server-sent events (`text/event-stream`)
/// - `POST /chaincodes/{name:version}/material` — a `chaincode.json` (the peer's format) for a chaincode started
///   elsewhere, with a client certificate issued for that chaincode only when TLS is on
enum DebugPeerRoutes {
    static func router(for peer: DebugPeer) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("chaincodes") { _, _ in
            try json(ChaincodeListBody(chaincodes: peer.registeredChaincodes))
        }
        router.post("chaincodes/:id/invoke") { request, context in
            try await transact(peer, request, context, mode: .invoke)
        }
        router.post("chaincodes/:id/query") { request, context in
            try await transact(peer, request, context, mode: .query)
        }
        router.post("chaincodes/:id/material") { _, context in
            let id = try context.parameters.require("id")
            guard DebugPeer.isNameAndVersion(id) else {
                return try json(ErrorBody(error: "'\(id)' is not NAME:VERSION, the id a chaincode registers with"), status: .badRequest)
            }
            let connection = try peer.handOutLaunchConfiguration(chaincodeID: id)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: connection.encoded())))
        }
        router.get("state/:channel/:namespace") { request, context in
            let channel = try context.parameters.require("channel")
            let namespace = try context.parameters.require("namespace")
            if let key = request.uri.queryParameters.get("key") {
                guard let value = peer.state.value(channel: channel, namespace: namespace, key: key) else {
                    return try json(ErrorBody(error: "key '\(key)' not found in \(channel)/\(namespace)"), status: .notFound)
                }
                let metadata = peer.state.metadata(channel: channel, namespace: namespace, key: key)
                return try json(StateEntryBody(StateEntry(key: key, value: value, metadata: metadata)))
            }
            let prefix = request.uri.queryParameters.get("prefix") ?? ""
            let entries = peer.state.entries(channel: channel, namespace: namespace, prefix: prefix)
            return try json(StateListBody(channel: channel, namespace: namespace, entries: entries.map(StateEntryBody.init)))
        }
        router.get("events") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody(asyncSequence: ServerSentEvents(peer.events())))
        }
        return router
    }

    private static func transact(
        _ peer: DebugPeer, _ request: Request, _ context: BasicRequestContext, mode: TransactionMode
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        let body: InvocationBody
        do {
            body = try await request.decode(as: InvocationBody.self, context: context)
        } catch {
            return try json(ErrorBody(error: #"the body must be JSON like {"Args":["function","arg1"]}: \#(error)"#), status: .badRequest)
        }
        do {
            let result = try await peer.transact(
                chaincode: id, args: body.arguments.map { Data($0.utf8) }, channel: body.channel, isInit: body.isInit,
                transient: body.transient, mode: mode)
            return try json(TransactionResponseBody(result))
        } catch let error as DebugPeerError {
            return try json(ErrorBody(error: error.description), status: status(for: error))
        }
    }

    private static func status(for error: DebugPeerError) -> HTTPResponse.Status {
        switch error {
        case .unknownChaincode: .notFound
        case .ambiguousChaincode: .conflict
        case .messageTooLarge: .contentTooLarge
        case .notRunning: .serviceUnavailable
        case .chaincodeDisconnected, .invalidMessage: .badGateway
        case .invalidStateFile: .internalServerError
        case .transactionFailed: .internalServerError
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
