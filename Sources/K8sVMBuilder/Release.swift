import Foundation
import K8sVMCore

/// `bin/release BUILD_DIR RELEASE_DIR`: hands the peer the package's state-database artefacts.
///
/// `META-INF/statedb/**` (CouchDB indexes, also per private-data collection) goes to `RELEASE_DIR/statedb/**`,
/// where the peer looks for it.
struct Release {
    func run(buildDirectory: String, releaseDirectory: String) throws {
        _ = try BuildRecord.read(fromDirectory: buildDirectory)
        let statedb = buildDirectory + "/META-INF/statedb"
        guard FileManager.default.fileExists(atPath: statedb) else { return }
        try FileTree.copyRegularFiles(from: statedb, to: releaseDirectory + "/statedb")
    }
}
