import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The few calls of the Docker Engine HTTP API (v1.41) a stage-1 build needs, over the engine's unix socket.
public struct DockerEngine: Sendable {
    /// What a container is created with (the fields of `POST /containers/create` K8sVM sets).
    public struct ContainerSpec: Encodable, Sendable {
        /// `HostConfig`: the host's network, unprivileged, no capabilities, a read-only root filesystem with a
        /// writable, executable tmpfs `/tmp` (HOME and the build's scratch space).
        public struct Host: Encodable, Sendable {
            public var networkMode = "host"
            public var privileged = false
            public var capDrop = ["ALL"]
            public var securityOpt = ["no-new-privileges"]
            public var readonlyRootfs = true
            public var tmpfs = ["/tmp": "rw,exec,nosuid,nodev,mode=1777"]
            /// `VOLUME:PATH` mounts (named volumes).
            public var binds: [String] = []

            enum CodingKeys: String, CodingKey {
                case networkMode = "NetworkMode", privileged = "Privileged", capDrop = "CapDrop", securityOpt = "SecurityOpt"
                case readonlyRootfs = "ReadonlyRootfs", tmpfs = "Tmpfs", binds = "Binds"
            }
        }

        public var image: String
        /// `NAME=value` entries.
        public var environment: [String]
        public var user: String
        public var labels: [String: String]
        public var host = Host()

        enum CodingKeys: String, CodingKey {
            case image = "Image", environment = "Env", user = "User", labels = "Labels", host = "HostConfig"
        }

        public init(image: String, environment: [(String, String)], user: String, labels: [String: String]) {
            self.image = image
            self.environment = environment.map { "\($0.0)=\($0.1)" }
            self.user = user
            self.labels = labels
        }
    }

    /// Which output stream a log line came from.
    public enum Stream: Sendable { case stdout, stderr }

    public let socketPath: String
    private let client: HTTPClient

    public init(socketPath: String, client: HTTPClient = .shared) {
        self.socketPath = socketPath
        self.client = client
    }

    /// Throws unless the engine answers `/_ping`.
    public func ping() async throws {
        _ = try await send(.GET, "/_ping", expect: [200], timeout: .seconds(5))
    }

    public func imageExists(_ image: String) async throws -> Bool {
        try await imageID(image) != nil
    }

    /// The ID (`sha256:` of its configuration) of the engine's image `image`, or nil when the engine has none.
    public func imageID(_ image: String) async throws -> String? {
        struct Inspected: Decodable { var Id: String }
        let encoded = image.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? image
        let reply = try await send(.GET, "/images/\(encoded)/json", expect: [200, 404])
        guard reply.status == .ok else { return nil }
        return try JSONDecoder().decode(Inspected.self, from: reply.body).Id
    }

    /// Creates a container and returns its ID.
    public func createContainer(_ spec: ContainerSpec) async throws -> String {
        struct Created: Decodable { var Id: String }
        let reply = try await send(.POST, "/containers/create", body: try JSONEncoder().encode(spec), expect: [201])
        return try JSONDecoder().decode(Created.self, from: reply.body).Id
    }

    public func start(_ id: String) async throws {
        _ = try await send(.POST, "/containers/\(id)/start", expect: [204, 304])
    }

    /// Waits until the container has stopped and returns its exit code.
    public func wait(_ id: String) async throws -> Int {
        struct Waited: Decodable { var StatusCode: Int }
        let reply = try await send(.POST, "/containers/\(id)/wait", expect: [200], timeout: .hours(24))
        return try JSONDecoder().decode(Waited.self, from: reply.body).StatusCode
    }

    public func kill(_ id: String) async throws {
        _ = try await send(.POST, "/containers/\(id)/kill", expect: [204, 409])
    }

    /// Removes the container, stopping it first if it runs; a missing one is no error.
    public func remove(_ id: String) async throws {
        _ = try await send(.DELETE, "/containers/\(id)?force=true&v=true", expect: [204, 404])
    }

    /// IDs of all containers (running or not) carrying `label` (`key` or `key=value`).
    public func containers(label: String) async throws -> [String] {
        struct Summary: Decodable { var Id: String }
        let filters = try JSONEncoder().encode(["label": [label]])
        let query = String(decoding: filters, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let reply = try await send(.GET, "/containers/json?all=true&filters=\(query)", expect: [200])
        return try JSONDecoder().decode([Summary].self, from: reply.body).map(\.Id)
    }

    /// Follows the container's output from its start until it stops, line by line.
    public func followLogs(_ id: String, line: @Sendable (Stream, String) -> Void) async throws {
        let request = self.request(.GET, "/containers/\(id)/logs?follow=true&stdout=true&stderr=true")
        let response = try await client.execute(request, timeout: .hours(24))
        guard response.status == .ok else {
            throw DockerError(status: response.status.code, message: "logs of \(id)", body: try await response.body.collect(upTo: 1 << 20))
        }
        var frames = LogFrames()
        for try await chunk in response.body {
            for (stream, text) in frames.feed(chunk) { line(stream, text) }
        }
        for (stream, text) in frames.finish() { line(stream, text) }
    }

    private func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        // Go's HTTP server requires a Host header, which an http+unix request has no host for.
        request.headers.replaceOrAdd(name: "Host", value: "docker")
        return request
    }

    /// `path` of the versioned API (`/_ping` is unversioned), as an `http+unix` URL naming the socket.
    private func url(_ path: String) -> String {
        URL(httpURLWithSocketPath: socketPath, uri: path == "/_ping" ? path : "/v1.41" + path)?.absoluteString ?? path
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, expect: Set<UInt>,
                      timeout: TimeAmount = .seconds(60)) async throws -> (status: HTTPResponseStatus, body: ByteBuffer) {
        var request = self.request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard expect.contains(response.status.code) else {
            throw DockerError(status: response.status.code, message: "\(method) \(path)", body: bytes)
        }
        return (response.status, bytes)
    }
}

/// The Docker engine refused a request.
public struct DockerError: Error, CustomStringConvertible {
    public let status: UInt
    public let description: String

    init(status: UInt, message: String, body: ByteBuffer) {
        struct Message: Decodable { var message: String }
        let text = (try? JSONDecoder().decode(Message.self, from: body))?.message ?? String(buffer: body)
        self.status = status
        description = "Docker engine: \(message): \(status) \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// Splits the multiplexed log stream of a container without a TTY (8-byte frame headers: stream, 0, 0, 0, length
/// big-endian) into lines per stream.
struct LogFrames {
    private var pending = ByteBuffer()
    private var partial: [UInt8: [UInt8]] = [:]

    mutating func feed(_ chunk: ByteBuffer) -> [(DockerEngine.Stream, String)] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var lines: [(DockerEngine.Stream, String)] = []
        while pending.readableBytes >= 8,
              let header = pending.getBytes(at: pending.readerIndex, length: 8),
              pending.readableBytes >= 8 + Int(UInt32(header[4]) << 24 | UInt32(header[5]) << 16 | UInt32(header[6]) << 8 | UInt32(header[7])) {
            let length = Int(UInt32(header[4]) << 24 | UInt32(header[5]) << 16 | UInt32(header[6]) << 8 | UInt32(header[7]))
            pending.moveReaderIndex(forwardBy: 8)
            let payload = pending.readBytes(length: length) ?? []
            var buffered = partial[header[0], default: []] + payload
            while let newline = buffered.firstIndex(of: 10) {
                lines.append((Self.stream(header[0]), String(decoding: buffered[..<newline], as: UTF8.self)))
                buffered.removeSubrange(...newline)
            }
            partial[header[0]] = buffered
        }
        pending.discardReadBytes()
        return lines
    }

    /// Unterminated last lines.
    mutating func finish() -> [(DockerEngine.Stream, String)] {
        defer { partial = [:] }
        return partial.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }
            .map { (Self.stream($0.key), String(decoding: $0.value, as: UTF8.self)) }
    }

    private static func stream(_ byte: UInt8) -> DockerEngine.Stream { byte == 1 ? .stdout : .stderr }
}
