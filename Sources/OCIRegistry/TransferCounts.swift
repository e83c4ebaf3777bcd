/// What a client moved: blobs uploaded (and their bytes), blobs mounted from another repository, blobs it skipped
/// because the registry had them already. Lets callers and tests see that base layers were never uploaded.
public struct TransferCounts: Sendable, Equatable {
    public var uploadedBlobs = 0
    public var uploadedBytes: Int64 = 0
    public var mountedBlobs = 0
    public var presentBlobs = 0

    public init() {}
}
