import Foundation
import FakeKubeAPIServer
import TestSupport

/// A response as curl received it.
struct Response: Sendable {
    let status: Int
    let headers: [(String, String)]
    let body: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// Talks to a fake server with curl 7.88 over HTTP/1.1, the client the recordings were made with.
struct Client: Sendable {
    let server: FakeKubeAPIServer
    let caFile: URL

    init(_ server: FakeKubeAPIServer) throws {
        self.server = server
        caFile = FileManager.default.temporaryDirectory.appendingPathComponent("fake-ca-\(UUID().uuidString).pem")
        try server.caCertificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
    }

    private func curl(_ arguments: [String], body: String?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var args = ["-sS", "--http1.1", "--cacert", caFile.path, "-H", "Authorization: Bearer test-token"] + arguments
        if let body {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("body-\(UUID().uuidString)")
            try body.write(to: file, atomically: true, encoding: .utf8)
            args += ["--data-binary", "@\(file.path)"]
        }
        process.arguments = args
        return process
    }

    /// One request; `target` is a path with query. curl runs off the cooperative thread pool, which the server's
    /// own tasks need.
    func send(_ method: String, _ target: String, body: String? = nil, contentType: String? = "application/json",
              accept: String = "application/json") async throws -> Response {
        try await offPool { try self.sendBlocking(method, target, body: body, contentType: contentType, accept: accept) }
    }

    private func sendBlocking(_ method: String, _ target: String, body: String?, contentType: String?,
                              accept: String) throws -> Response {
        var arguments = ["-i", "-X", method, "-H", "Accept: \(accept)"]
        if body != nil, let contentType { arguments += ["-H", "Content-Type: \(contentType)"] }
        let process = try curl(arguments + [server.url + target], body: body)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.range(of: "\r\n\r\n")!
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let headers = headLines.dropFirst().map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: Int(headLines[0].split(separator: " ")[1])!, headers: headers, body: String(text[split.upperBound...]))
    }

    func send(_ recording: Recording) async throws -> Response {
        try await send(recording.method, recording.target, body: recording.requestBody, contentType: recording.requestContentType)
    }

    /// A stream read in the background until the server ends it (or `maxSeconds` pass); `lines()` waits for it.
    final class Stream: @unchecked Sendable {
        private let process: Process
        private let pipe = Pipe()

        init(_ process: Process) throws {
            self.process = process
            process.standardOutput = pipe
            try process.run()
        }

        func lines() async -> [String] {
            (try? await offPool {
                let data = self.pipe.fileHandleForReading.readDataToEndOfFile()
                self.process.waitUntilExit()
                return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            }) ?? []
        }
    }

    func stream(_ target: String, maxSeconds: Int = 30) throws -> Stream {
        try Stream(curl(["-N", "--max-time", String(maxSeconds), server.url + target], body: nil))
    }
}

/// Runs blocking work on a Dispatch thread.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// Starts a server, runs `body`, and stops the server whatever happens.
func withServer(_ options: FakeKubeAPIServer.Options = .init(),
                _ body: (FakeKubeAPIServer, Client) async throws -> Void) async throws {
    let server = try await FakeKubeAPIServer.start(options)
    server.registerImage("127.0.0.1:5000/ceo/busybox", entrypoint: ["/bin/sh"])
    try await withCleanup({ await server.stop() }) { try await body(server, try Client(server)) }
}

/// Parses JSON text.
func parse(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

/// Key paths of a JSON value (array positions as `[]`), for comparing shapes while ignoring values.
func shape(_ value: Any?, prefix: String = "") -> Set<String> {
    var paths: Set<String> = []
    if let object = value as? [String: Any] {
        for (key, child) in object {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            paths.insert(path)
            paths.formUnion(shape(child, prefix: path))
        }
    } else if let array = value as? [Any] {
        for item in array { paths.formUnion(shape(item, prefix: prefix + "[]")) }
    }
    return paths
}

/// Waits until `condition` holds, polling.
func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 100_000_000)
    }
    return false
}
