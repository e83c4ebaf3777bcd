import Foundation

/// `k8svm sandbox run PATH` with the embedded debug peer on free ports.
struct SandboxRun {
    let process: TestProcess

    init(_ path: String, _ workspace: Workspace, settings: [String: String] = [:], extra: [String] = []) throws {
        process = try TestProcess(Products.k8svm, ["sandbox", "run", path, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"] + extra,
                                  environment: workspace.environment(settings))
    }

    /// Runs an attack to its end and returns what the user saw.
    static func attack(_ path: String, _ workspace: Workspace, settings: [String: String] = [:]) async throws -> TestResult {
        try await SandboxRun(path, workspace, settings: settings).process.finish()
    }

    /// The debug peer API's address, once announced.
    func apiAddress() async throws -> String {
        String(try await process.line(containing: "API on http://").split(separator: "http://").last!)
    }
}
