import Foundation
import OCIRegistry
import K8sVMCore

/// The half of a stage-1 build that does not depend on where the container runs: the source
/// exchange with its one-time URLs, the container's variables, and the verification of the uploaded layer against
/// the container's summary.
struct StageOneSession: Sendable {
    let job: StageOneJob
    let exchange: SourceExchange

    /// Starts the exchange and runs `build` with the session; the exchange is closed afterwards, and on an error no
    /// layer file is left.
    static func run(_ job: StageOneJob, bindHost: String, advertisedHost: String,
                    _ build: (StageOneSession) async throws -> LayerBlob) async throws -> LayerBlob {
        let exchange = try await SourceExchange.start(source: job.source, outputFile: job.layerFile, bindHost: bindHost,
                                                      advertisedHost: advertisedHost)
        do {
            let output = try await build(StageOneSession(job: job, exchange: exchange))
            await exchange.close()
            return output
        } catch {
            await exchange.close()
            try? FileManager.default.removeItem(atPath: job.layerFile)
            throw error
        }
    }

    /// Where a runner mounts the language caches that persist between builds, when it has any.
    static let cacheDirectory = "/cache"

    /// The container's variables (the contract of `builder-images/stage1/k8svm-stage1`); `cached` when the runner
    /// mounts a cache at `cacheDirectory`.
    func environment(cached: Bool) -> [(String, String)] {
        [("K8SVM_SOURCE_URL", exchange.sourceURL), ("K8SVM_OUTPUT_URL", exchange.outputURL), ("K8SVM_TOKEN", exchange.token),
         ("K8SVM_CHAINCODE_LABEL", job.label), ("K8SVM_CHAINCODE_PATH", job.path)] + job.plan.stageOneVariables
            + (cached ? [("K8SVM_CACHE_DIR", Self.cacheDirectory)] : [])
    }

    /// The verified output: the summary's digest and size must be those of the bytes received.
    func output(summary text: String?) throws -> LayerBlob {
        let summary = try StageOneSummary(parsing: text ?? "")
        guard let upload = exchange.upload else {
            throw K8sVMError("the build of \(job.label) reported success but never uploaded its output")
        }
        guard upload.digest == summary.digest, upload.size == summary.size else {
            throw K8sVMError("the output of \(job.label) does not match the build's summary: received \(upload.size) bytes \(upload.digest), the build reported \(summary.size) bytes \(summary.digest)")
        }
        return LayerBlob(file: upload.file, digest: try Digest(upload.digest), diffID: try Digest(summary.diffID), size: upload.size)
    }

    /// The timeout error both runners report.
    var timedOut: K8sVMError {
        K8sVMError("the build of \(job.label) timed out after \(job.timeout.wholeSecondsUp) s and was stopped")
    }

    /// A failed build: its exit code and the last lines of its log.
    func failed(exitCode: Int, transcript: BuildTranscript) -> K8sVMError {
        let tail = transcript.tail
        return K8sVMError("the build of \(job.label) in \(job.builderImage) failed (exit code \(exitCode))" + (tail.isEmpty ? "" : ":\n" + tail))
    }
}
