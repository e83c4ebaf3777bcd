import K8sVMCore
import PeerContract

/// `bin/run BUILD_DIR RUN_METADATA_DIR`: starts the chaincode and lives exactly as long as it does.
///
/// SIGTERM, SIGINT and SIGHUP stop the chaincode (a process gets the signal itself; SIGKILL follows after the
/// backend's `stopGracePeriod`); the exit code is the chaincode's own (128 + signal when a signal ended it).
struct Run {
    let context: BuilderContext

    func run(buildDirectory: String, runMetadataDirectory: String) async throws -> Int32 {
        let connection = try PeerConnection.load(fromDirectory: runMetadataDirectory)
        let record = try BuildRecord.read(fromDirectory: buildDirectory)
        let vm = try context.virtualMachine()
        let instance = try await vm.start(record, buildDirectory: buildDirectory, connection: connection)
        let grace = vm.stopGracePeriod
        TerminationSignals.shared.setHandler { signal in
            K8sVMLog.line("k8svm run: signal \(signal): stopping chaincode \(connection.chaincodeID)")
            Task {
                if let process = instance as? any SignalForwarding {
                    await process.stop(signal: signal, grace: grace)
                } else {
                    await instance.stop(grace: grace)
                }
            }
        }
        // The launch is over: what the wait needs is a small part of the code the launch touched.
        LaunchCodePages.release()
        let status = await instance.wait()
        TerminationSignals.shared.setHandler(nil)
        K8sVMLog.line("k8svm run: chaincode \(connection.chaincodeID) \(status)")
        return status.code
    }
}
