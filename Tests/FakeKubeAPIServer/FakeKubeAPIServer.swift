import Foundation
import NIOSSL
import Synchronization

/// An in-process fake kube-apiserver v1.26 on 127.0.0.1 that answers like the recordings in
/// `Tests/KubernetesFixtures/k8s-recordings`, with a fake kubelet that runs containers as local processes and the job, garbage
/// collector and TTL controllers simulated.
public final class FakeKubeAPIServer: Sendable {
    /// How the fake serves.
    public struct Options: Sendable {
        /// HTTPS with a throwaway CA generated at start.
        public var tls: Bool = true
        /// If set, requests must carry it (or, with TLS, a client certificate from the fake's CA).
        public var bearerToken: String? = "test-token"
        /// Multiplies recorded kubelet/controller delays (1.0 = as recorded).
        public var timeScale: Double = 0.1
        public init() {}
    }

    let options: Options
    private let certificates: Certificates
    private let server: HTTPServer
    private let api: API
    private let log = Mutex<(requests: [RecordedRequest], rejected: [String])>(([], []))
    private let failures = Mutex<(count: Int, status: Int, retryAfter: Int?)>((0, 500, nil))
    private let streams = Mutex<[Int: StreamSink]>([:])

    private init(options: Options, certificates: Certificates, server: HTTPServer, api: API) {
        self.options = options
        self.certificates = certificates
        self.server = server
        self.api = api
    }

    /// Starts a server on a free port of 127.0.0.1. Throws if bubblewrap (needed to run containers) is missing.
    public static func start(_ options: Options = .init()) async throws -> FakeKubeAPIServer {
        guard ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"].contains(where: FileManager.default.isExecutableFile) else {
            throw FakeKubeAPIServerError.bubblewrapMissing
        }
        let certificates = try Certificates.generate()
        var tls: NIOSSLContext?
        if options.tls {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificates.serverCertificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem)))
            configuration.certificateVerification = .optionalVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificates.caPEM.utf8)))
            tls = try NIOSSLContext(configuration: configuration)
        }
        let clock = Clock(timeScale: options.timeScale)
        let cluster = Cluster()
        let kubelet = try Kubelet(cluster: cluster, clock: clock)
        let jobs = JobController(cluster: cluster, kubelet: kubelet, clock: clock)
        let api = API(cluster: cluster, kubelet: kubelet, jobs: jobs, clock: clock)
        cluster.onRemoval { _, removed in api.collectGarbage(after: removed) }
        jobs.expire.withLock { $0 = { namespace, name in _ = api.deleteJob(namespace, name, policy: "Foreground") } }
        let box = Mutex<FakeKubeAPIServer?>(nil)
        let server = try await HTTPServer.start(tls: tls) { request, responder in
            box.withLock { $0 }?.serve(request, responder)
        }
        let fake = FakeKubeAPIServer(options: options, certificates: certificates, server: server, api: api)
        box.withLock { $0 = fake }
        return fake
    }

    /// Closes listeners and open streams and kills the processes it started.
    public func stop() async {
        api.jobs.stopAll()
        api.kubelet.stopAll()
        for sink in streams.withLock({ Array($0.values) }) { sink.abort() }
        await server.stop()
    }

    public var url: String { "\(options.tls ? "https" : "http")://127.0.0.1:\(server.port)" }
    public var caCertificatePEM: String { certificates.caPEM }
    public var clientCertificatePEM: String { certificates.clientCertificatePEM }
    public var clientKeyPEM: String { certificates.clientKeyPEM }

    /// The directory holding the volume of PersistentVolumeClaim `claim` (every claim counts as bound).
    public func claimVolume(namespace: String, claim: String) -> String {
        api.kubelet.claimsRoot.appendingPathComponent("\(namespace)/\(claim)").path
    }

    /// Images the fake kubelet can "pull": repository (no tag/digest) -> entrypoint argv. Any tag or digest pulls.
    public func registerImage(_ repository: String, entrypoint: [String]) {
        api.kubelet.registerImage(repository, entrypoint: entrypoint)
    }

    /// Makes SelfSubjectAccessReviews for `verb` on `resource` (e.g. `pods/log`) answer `{"allowed":false}` (rbac/09).
    public func deny(verb: String, resource: String) { api.deny(verb: verb, resource: resource) }

    /// Kills the pod's container with SIGKILL, reported as `OOMKilled`/137 (pod-oomkilled/).
    public func oomKill(pod: String, namespace: String) { api.kubelet.oomKill(namespace, pod) }

    /// Current `pods`, `secrets`, `events` or `jobs` of a namespace as decoded JSON.
    public func objects(_ resource: String, namespace: String) -> [[String: any Sendable]] {
        guard let resource = Resource.named(resource) else { return [] }
        return api.cluster.list(resource, namespace: namespace).compactMap { $0.foundationValue as? [String: any Sendable] }
    }

    public var requests: [RecordedRequest] { log.withLock { $0.requests } }

    /// One message per request answered 4xx for a schema or validation problem of its body.
    public func rejectedObjects() -> [String] { log.withLock { $0.rejected } }

    /// Closes every open watch and log stream abruptly (an API server restart); the data is kept.
    public func dropStreams() {
        for sink in streams.withLock({ Array($0.values) }) { sink.abort() }
    }

    /// Every resourceVersion issued so far becomes too old for watches and lists (errors/29–31).
    public func compact() { api.cluster.compact() }

    /// The next `count` requests are answered with a `status` (429/500/503) Status, with `Retry-After` if given.
    public func failNext(_ count: Int, status: Int, retryAfterSeconds: Int?) {
        failures.withLock { $0 = (count, status, retryAfterSeconds) }
    }

    private func authenticated(_ request: HTTPRequest) -> Bool {
        if request.hasClientCertificate { return true }
        guard let token = options.bearerToken else { return !options.tls }
        return request.headers.first(name: "Authorization") == "Bearer \(token)"
    }

    private func serve(_ request: HTTPRequest, _ responder: Responder) {
        let reply: Reply
        if !authenticated(request) {
            reply = .failure(.unauthorized)
        } else if let injected = failures.withLock({ state -> APIError? in
            guard state.count > 0 else { return nil }
            state.count -= 1
            return .injected(status: state.status, retryAfterSeconds: state.retryAfter)
        }) {
            reply = .failure(injected)
        } else {
            reply = api.handle(request)
        }
        let record = { (status: Int, stream: Bool) in
            self.log.withLock {
                $0.requests.append(RecordedRequest(method: request.method, path: request.path, query: request.query,
                                                   status: status, isStream: stream))
            }
        }
        switch reply {
        case .json(let status, let body, let headers):
            record(status, false)
            responder.send(status: status, json: body, headers: headers)
        case .raw(let status, let body, let contentType):
            record(status, false)
            responder.send(status: status, body: body, contentType: contentType, chunked: contentType == "text/plain")
        case .failure(let error):
            record(error.code, false)
            if error.isRejectedObject { log.withLock { $0.rejected.append(error.message) } }
            responder.send(error)
        case .stream(let contentType, let start):
            record(200, true)
            let sink = responder.startStream(id: api.newStreamID(), contentType: contentType)
            streams.withLock { $0[sink.id] = sink }
            sink.onClose { [weak self] in _ = self?.streams.withLock { $0.removeValue(forKey: sink.id) } }
            start(sink)
        }
    }
}
