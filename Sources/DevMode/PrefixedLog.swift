import Foundation
import LocalVM
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose lines are copied to stderr with a prefix, so a chaincode's log stands out from k8svm's own; the last
/// lines are kept for a report of why the chaincode ended.
final class PrefixedLog: Sendable {
    /// The write end, for the child's stdout and stderr.
    let writeDescriptor: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let tail: LineTail

    /// The last lines written (at most `keeping`), oldest first; complete once `finish()` returned.
    var lastLines: [String] { tail.lines }

    init(prefix: String, keeping kept: Int = 10) throws {
        let (readDescriptor, write) = try closeOnExecPipe()
        writeDescriptor = write
        let done = finished
        let tail = LineTail(limit: kept)
        self.tail = tail
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
                    tail.append(String(decoding: line, as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty {
                FileHandle.standardError.write(Data(prefix.utf8) + pending + Data("\n".utf8))
                tail.append(String(decoding: pending, as: UTF8.self))
            }
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

/// The last lines of a log, at most `limit`.
private final class LineTail: Sendable {
    private let limit: Int
    private let kept = Mutex<[String]>([])

    init(limit: Int) { self.limit = limit }

    func append(_ line: String) {
        kept.withLock { lines in
            lines.append(line)
            if lines.count > limit { lines.removeFirst(lines.count - limit) }
        }
    }

    var lines: [String] { kept.withLock { $0 } }
}
