import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SandboxTests {
    /// `k8svm sandbox serve` driven with curl, as an editor backend would.
    @Suite struct EditorAPI {
        /// The server and its address.
        struct Server {
            let process: TestProcess
            let address: String
            let workspace: Workspace

            init(_ workspace: Workspace, settings: [String: String] = [:], arguments: [String] = []) async throws {
                self.workspace = workspace
                process = try TestProcess(Products.k8svm, ["sandbox", "serve", "--api", "127.0.0.1:0"] + arguments,
                                          environment: workspace.environment(settings))
                address = String(try await process.line(containing: "editor API on http://").split(separator: "http://").last!)
            }

            /// curl's answer: HTTP status and body.
            func curl(_ method: String, _ path: String, data: String? = nil, file: String? = nil) async throws -> (Int, String) {
                var arguments = ["-s", "--max-time", "30", "-X", method, "-w", "\n%{http_code}", "http://\(address)\(path)"]
                if let data { arguments += ["-H", "Content-Type: application/json", "--data", data] }
                if let file { arguments += ["--data-binary", "@" + file] }
                let result = try await TestProcess.run("/usr/bin/curl", arguments, environment: workspace.environment())
                let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
                return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
            }

            func json(_ method: String, _ path: String, data: String? = nil, file: String? = nil) async throws -> (Int, [String: Any]) {
                let (status, body) = try await curl(method, path, data: data, file: file)
                return (status, (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? ["raw": body])
            }

            /// Polls a run until its phase is one of `phases`.
            func waitFor(_ id: String, _ phases: Set<String>, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    let (_, run) = try await json("GET", "/runs/\(id)")
                    if let phase = run["phase"] as? String, phases.contains(phase) { return run }
                    try await Task.sleep(for: .milliseconds(100))
                }
                throw TestFailure("run \(id) never reached \(phases)")
            }
        }

        /// A tar of `executable` named `chaincode`.
        static func tarball(_ executable: String, _ workspace: Workspace) throws -> String {
            let staging = workspace.path("upload")
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: staging + "/chaincode")
            try FileManager.default.copyItem(atPath: executable, toPath: staging + "/chaincode")
            let tar = workspace.path("upload-\(UUID().uuidString).tar.gz")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            process.arguments = ["-czf", tar, "-C", staging, "chaincode"]
            try process.run()
            process.waitUntilExit()
            return tar
        }

        @Test func concurrentRunsAreIsolatedAndRemovedWhenStopped() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let server = try await Server(workspace)
            defer { server.process.signal(SIGKILL) }
            let tar = try Self.tarball(Products.assetTransfer, workspace)

            async let first = server.json("POST", "/runs?type=binary&name=asset", file: tar)
            async let second = server.json("POST", "/runs?type=binary&name=asset", file: tar)
            let (createdA, createdB) = try await (first, second)
            #expect(createdA.0 == 201 && createdB.0 == 201, "\(createdA) \(createdB)")
            let a = try #require(createdA.1["id"] as? String), b = try #require(createdB.1["id"] as? String)
            #expect(a != b)
            _ = try await server.waitFor(a, ["registered"])
            _ = try await server.waitFor(b, ["registered"])

            let (invoked, answer) = try await server.json("POST", "/runs/\(a)/invoke", data: #"{"Args":["CreateAsset","a1","red","3","bob","9"]}"#)
            #expect(invoked == 200 && answer["status"] as? Int == 200, "\(answer)")
            let (_, inA) = try await server.json("POST", "/runs/\(a)/query", data: #"{"Args":["ReadAsset","a1"]}"#)
            #expect((inA["payload"] as? String)?.contains(#""Owner":"bob""#) == true, "\(inA)")
            let (_, inB) = try await server.json("POST", "/runs/\(b)/query", data: #"{"Args":["ReadAsset","a1"]}"#)
            #expect(inB["status"] as? Int == 500 && (inB["message"] as? String)?.contains("does not exist") == true,
                    "run b has a world state of its own: \(inB)")

            let (_, list) = try await server.json("GET", "/runs")
            let ids = (list["runs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(Set(ids) == [a, b])
            let (_, log) = try await server.curl("GET", "/runs/\(a)/logs?follow=false")
            #expect(log.contains("k8svm sandbox: asset:1.0 registered"), "\(log)")

            // A follower of b's log sees it to the end, which comes when b is deleted.
            let follower = try TestProcess("/usr/bin/curl", ["-sN", "http://\(server.address)/runs/\(b)/logs"], environment: workspace.environment())
            try await Task.sleep(for: .milliseconds(300))
            for id in [a, b] {
                let (deleted, run) = try await server.json("DELETE", "/runs/\(id)")
                #expect(deleted == 200 && run["phase"] as? String == "ended" && run["message"] as? String == "chaincode stopped", "\(run)")
                #expect(try await server.curl("GET", "/runs/\(id)").0 == 404)
            }
            let followed = await follower.finish(timeout: .seconds(10))
            #expect(followed.stdout.contains("k8svm sandbox: chaincode stopped"), "\(followed)")
            await Leftovers.expectNone()

            server.process.signal(SIGTERM)
            #expect(await server.process.finish().status == 143)
        }

        @Test func aRunIsRemovedWhenItsTimeLimitPasses() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let server = try await Server(workspace, settings: ["K8SVM_SANDBOX_WALL_TIMEOUT": "2s"])
            defer { server.process.signal(SIGKILL) }
            let sleeper = try HostileChaincode.build(.sleepForever, in: workspace)
            let tar = try Self.tarball(sleeper + "/chaincode", workspace)

            let (created, run) = try await server.json("POST", "/runs?type=binary&name=sleeper", file: tar)
            #expect(created == 201)
            let id = try #require(run["id"] as? String)
            let ended = try await server.waitFor(id, ["ended", "failed"], timeout: .seconds(30))
            #expect(ended["message"] as? String == "chaincode killed: wall-clock limit (2s) exceeded", "\(ended)")
            let (refused, answer) = try await server.json("POST", "/runs/\(id)/invoke", data: #"{"Args":["x"]}"#)
            #expect(refused == 409 && (answer["error"] as? String)?.contains("not registered") == true, "\(answer)")
            await Leftovers.expectNone()
            server.process.signal(SIGTERM)
            _ = await server.process.finish()
        }

        @Test func aRunOverTheLimitIsRefusedWith429AndLeavesNothing() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let server = try await Server(workspace, arguments: ["--max-runs", "1"])
            defer { server.process.signal(SIGKILL) }
            let sleeper = try HostileChaincode.build(.sleepForever, in: workspace)
            let tar = try Self.tarball(sleeper + "/chaincode", workspace)

            let (created, run) = try await server.json("POST", "/runs?type=binary&name=first", file: tar)
            #expect(created == 201, "\(run)")
            let (refused, answer) = try await server.json("POST", "/runs?type=binary&name=second", file: tar)
            #expect(refused == 429, "\(answer)")
            #expect(answer["error"] as? String == "1 debug runs are active (the limit is 1); stop one first", "\(answer)")
            let (_, list) = try await server.json("GET", "/runs")
            #expect((list["runs"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["first"])
            let id = try #require(run["id"] as? String)
            #expect(try await server.json("DELETE", "/runs/\(id)").0 == 200)
            await Leftovers.expectNone()
            server.process.signal(SIGTERM)
            _ = await server.process.finish()
        }

        @Test func badUploadsAreRefusedWithTheProblemNamed() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let server = try await Server(workspace)
            defer { server.process.signal(SIGKILL) }
            let garbage = workspace.path("garbage")
            try "not a tar".write(toFile: garbage, atomically: false, encoding: .utf8)
            let tar = try Self.tarball(Products.assetTransfer, workspace)

            let cases: [(String, String?, Int, String)] = [
                ("/runs", tar, 400, "name the package type"),
                ("/runs?type=node", tar, 400, "cannot be run in a sandbox (types: golang, binary)"),
                ("/runs?type=binary&name=../x", tar, 400, "must be 1-64 letters, digits"),
                ("/runs?type=binary", garbage, 400, "not a usable source archive"),
                ("/runs?type=binary", nil, 400, "the body must be the chaincode source"),
                ("/runs/nope", nil, 404, "no debug run nope"),
            ]
            for (path, file, status, message) in cases {
                let (got, body) = try await server.curl(path == "/runs/nope" ? "GET" : "POST", path, file: file)
                #expect(got == status && body.contains(message), "\(path): \(got) \(body)")
            }
            let (_, list) = try await server.json("GET", "/runs")
            #expect((list["runs"] as? [Any])?.isEmpty == true)
            await Leftovers.expectNone()
            server.process.signal(SIGTERM)
            _ = await server.process.finish()
        }
    }
}
