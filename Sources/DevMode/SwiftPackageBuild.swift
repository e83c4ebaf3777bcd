import Foundation
#if canImport(Glibc)
import Glibc
#endif
import K8sVMCore
import LocalVM

/// `swift build` of a chaincode package, returning its one executable product.
struct SwiftPackageBuild {
    let directory: String
    let environment: [String: String]

    func run() async throws -> String {
        let product = try await executableProduct()
        try await swift(["build", "--package-path", directory, "--product", product], capture: false)
        let binPath = try await swift(["build", "--package-path", directory, "--show-bin-path"], capture: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return binPath + "/" + product
    }

    /// The package's executable product: the only one, or an error listing them.
    private func executableProduct() async throws -> String {
        let description = try await swift(["package", "--package-path", directory, "describe", "--type", "json"], capture: true)
        guard let start = description.firstIndex(of: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(description[start...].utf8)) as? [String: Any],
              let products = object["products"] as? [[String: Any]]
        else {
            throw K8sVMError("\(directory): cannot read the Swift package's products")
        }
        let executables = products.filter { ($0["type"] as? [String: Any])?["executable"] != nil }.compactMap { $0["name"] as? String }
        guard executables.count == 1 else {
            throw K8sVMError("\(directory): expected one executable product, found \(executables.isEmpty ? "none" : executables.joined(separator: ", "))")
        }
        return executables[0]
    }

    /// Runs `swift …`, its output on our stderr (or captured), failing with a message naming the step.
    @discardableResult
    private func swift(_ arguments: [String], capture: Bool) async throws -> String {
        let pipe = capture ? try closeOnExecPipe() : nil
        let process = try ChildProcess(.init(executable: "swift", arguments: arguments, environment: environment,
                                             output: pipe.map { .descriptor($0.write) } ?? .parentStandardError))
        var output = ""
        if let pipe {
            close(pipe.write)
            let handle = FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true)
            output = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        }
        let status = await process.wait()
        guard status == .exited(0) else {
            throw K8sVMError("swift \(arguments.prefix(2).joined(separator: " ")) failed (\(status))\(capture ? ": " + output : "")")
        }
        return output
    }
}
