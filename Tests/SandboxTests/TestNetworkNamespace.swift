import Foundation

/// A network namespace the test creates, `address` on its loopback interface, and a listener on it that records
/// whether anything connected.
final class TestNetworkNamespace: @unchecked Sendable {
    let name = "k8svm-sbtest-\(getpid())"
    let address: String
    let port: Int
    private var listener: Process?
    private let marker: String

    init(address: String, port: Int) {
        self.address = address
        self.port = port
        marker = "/tmp/\(name)-accepted"
    }

    func create() throws {
        for arguments in [["netns", "add", name], ["-n", name, "link", "set", "lo", "up"],
                          ["-n", name, "addr", "add", "\(address)/32", "dev", "lo"]] {
            let ip = Process()
            ip.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            ip.arguments = arguments
            try ip.run()
            ip.waitUntilExit()
            guard ip.terminationStatus == 0 else { throw TestFailure("ip \(arguments.joined(separator: " ")) failed") }
        }
        let script = "import socket\ns=socket.socket()\ns.bind(('\(address)',\(port)))\ns.listen()\ns.accept()\nopen('\(marker)','w').close()\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", name, "python3", "-c", script]
        try process.run()
        listener = process
        Thread.sleep(forTimeInterval: 0.3)
    }

    /// Whether the listener still waits for its first connection.
    var listening: Bool { listener?.isRunning == true }

    /// Whether the listener accepted a connection.
    func accepted() -> Bool { FileManager.default.fileExists(atPath: marker) }

    func remove() {
        if let listener, listener.isRunning { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: marker)
        let ip = Process()
        ip.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        ip.arguments = ["netns", "delete", name]
        try? ip.run()
        ip.waitUntilExit()
    }
}
