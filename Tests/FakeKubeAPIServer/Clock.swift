import Foundation

/// Time stamps in the formats kube-apiserver and the kubelet write, and delays scaled by
/// ``FakeKubeAPIServer/Options/timeScale``.
struct Clock: Sendable {
    let timeScale: Double

    /// RFC 3339 with whole seconds (`2026-11-21T12:53:39Z`), as in `creationTimestamp` (pod-success/01).
    static func seconds(_ date: Date = Date()) -> String {
        format(date, fraction: 0)
    }

    /// RFC 3339 with microseconds, as in an Event's `eventTime` (pod-success/08).
    static func micro(_ date: Date = Date()) -> String { format(date, fraction: 6) }

    /// RFC 3339 with nanoseconds, as in `log?timestamps=true` (pod-success/07).
    static func nano(_ date: Date = Date()) -> String { format(date, fraction: 9) }

    private static func format(_ date: Date, fraction digits: Int) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if digits > 0 {
            let fraction = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
            let scaled = Int((fraction * pow(10, Double(digits))).rounded(.down))
            let padded = String(scaled)
            text += "." + String(repeating: "0", count: digits - padded.count) + padded
        }
        return text + "Z"
    }

    /// Sleeps a recorded delay multiplied by the time scale.
    func sleep(recorded seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds * timeScale) * 1_000_000_000))
    }
}
