import Foundation

/// Fixtures/hostile.c compiled for one attack, as a binary chaincode.
enum HostileChaincode {
    enum Attack: Int {
        case connectLoopback = 1, connectOutside, readHostFiles, writeOutsideTmp, seeProcesses, forkBomb, memoryBomb,
             cpuSpin, sleepForever, logFlood, relaySocket
    }

    /// Compiles the attack into `workspace/name` (a directory holding the executable `chaincode`) and returns its path.
    static func build(_ attack: Attack, in workspace: Workspace, port: Int = 9, address: String = "198.18.0.1",
                      secretFile: String = "/nonexistent") throws -> String {
        let directory = workspace.path("attack-\(attack.rawValue)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-DATTACK=\(attack.rawValue)", "-DTARGET_PORT=\(port)",
                             "-DTARGET_ADDRESS=\"\(address)\"", "-DSECRET_FILE=\"\(secretFile)\"",
                             "-o", directory + "/chaincode", Products.fixtures + "/hostile.c"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("cc hostile.c (attack \(attack)) failed") }
        return directory
    }
}
