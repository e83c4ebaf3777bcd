import Foundation
import LocalVM
#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose lines are copied to stderr with a prefix, so a chaincode's log stands out from k8svm's own.
final class PrefixedLog: Sendable {
    /// The write end, for the child's stdout and stderr.
    let writeDescriptor: Int32
    private let finished = DispatchSemaphore(value: 0)

    init(prefix: String) throws {
        let (readDescriptor, write) = try closeOnExecPipe()
        writeDescriptor = write
        let done = finished
        Thread.detachNewThread {
            let input = FileHandle(fileDescriptor: readDescriptor, closeOnDealloc: true)
            var pending = Data()
            while true {
                let chunk = input.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<newline]
                    FileHandle.standardError.write(Data(prefix.utf8) + line + Data("\n".utf8))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { FileHandle.standardError.write(Data(prefix.utf8) + pending + Data("\n".utf8)) }
            done.signal()
        }
    }

    /// Closes our copy of the write end once the child holds its own, so its exit ends the log.
    func closeWriteEnd() {
        close(writeDescriptor)
    }

    /// Waits until everything the child wrote is out (after the child ended and `closeWriteEnd()`).
    func finish() async {
        let done = finished
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                done.wait()
                continuation.resume()
            }
        }
    }
}
