#!/usr/bin/env python3
"""K8sVM benchmark harness: builds k8svm in release mode, measures real processes, prints one table.

Usage: python3 bench/run.py [--runs N] [--k8svm PATH]

Rows (goal from the issues):
  detect, whole process            median wall time of bin/detect on a binary package      goal <= 5 ms
  run start -> chaincode exec      from spawning bin/run to the chaincode's first instruction,
                                   minus the same for spawning the chaincode directly        goal <= 10 ms
  (reference) shell+jq run script  the same measure for a run script written in sh + jq
  sandboxed launch -> REGISTERED   the Swift example from "building" to "registered": k8svm sandbox run over
                                   k8svm dev run (ratio)                                       goal <= 1.5
  invoke throughput via relay      invokes/s through the debug peer's API, sandboxed (relay) over direct
                                   (ratio)                                                     goal >= 0.8
  dev launch -> REGISTERED         `k8svm dev run` of the Swift example, "building" to "registered"  goal <= 100 ms
  invokes/s, HTTP API              get+put invokes (CreateAsset) through the debug peer's HTTP API, 4 clients
  invokes/s, gRPC, one core        get+put invokes over the chaincode stream (DebugPeerBenchmark, 8 in flight),
                                   peer and chaincode pinned to one core                       goal >= 5000/s
  kubernetes run: API requests     requests from `run` start until the chaincode runs (fake API server)  goal <= 4
  kubernetes run: resident memory  VmRSS of `run` while its chaincode runs                     goal <= 12 MiB
With --image-build (root, Docker, docker-registry, debootstrap: scripts/install-deps.sh):
  cache-hit build                  `build` of a Go package whose image is already in the registry   goal <= 1 s
  stage-2 assembly, 20 MiB         a 20 MiB binary appended to a runtime base and pushed (OCIRegistryBenchmark)
  cold-build overhead              whole cold `build` / the same `go build` alone in the same ccenv image  goal <= 1.2
  warm-rebuild overhead            `build` of the next version (one line changed) with build.dockerCacheVolume /
                                   the same `go build` alone with a warm cache volume          goal <= 1.5
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_BUILD = os.path.join(ROOT, "scripts", "build-release.sh")


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, **kwargs)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Bench:
    def __init__(self, k8svm, runs):
        self.k8svm = k8svm
        self.runs = runs
        self.work = tempfile.mkdtemp(prefix="k8svm-bench-")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": self.work}
        self.rows = []

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def prepare(self):
        """Installs the builder and takes a binary package through detect/build/release, as a peer would."""
        stamp = os.path.join(self.work, "cc", "chaincode")
        os.makedirs(os.path.dirname(stamp))
        sh("cc", "-O2", "-o", stamp, os.path.join(ROOT, "bench", "stamp.c"))
        self.stamp = stamp
        self.builder = os.path.join(self.work, "builder")
        sh(self.k8svm, "install-builder", self.builder, stdout=subprocess.DEVNULL, env=self.env)
        package = os.path.join(self.work, "cc.tar.gz")
        sh(self.k8svm, "package", os.path.dirname(stamp), "--label", "stamp", "--type", "binary", "-o", package,
           stdout=subprocess.DEVNULL, env=self.env)
        self.context = os.path.join(self.work, "ctx")
        sh(self.k8svm, "package", "extract", package, self.context, env=self.env)
        ctx = self.context
        sh(self.bin("build"), f"{ctx}/src", f"{ctx}/metadata", f"{ctx}/bld", env=self.env, stderr=subprocess.DEVNULL)
        self.run_dir = os.path.join(self.work, "run-metadata")
        os.makedirs(self.run_dir)
        with open(os.path.join(self.run_dir, "chaincode.json"), "w") as file:
            json.dump({"chaincode_id": "stamp:1", "peer_address": "127.0.0.1:7052", "client_cert": "",
                       "client_key": "", "root_cert": "", "mspid": "Org1MSP"}, file)

    def bin(self, verb):
        return os.path.join(self.builder, "bin", verb)

    def wall(self, argv, env=None):
        samples = []
        for _ in range(self.runs):
            start = time.perf_counter_ns()
            subprocess.run(argv, env=env or self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            samples.append((time.perf_counter_ns() - start) / 1e6)
        return samples

    def to_exec(self, argv):
        """Milliseconds from spawning argv to the stamp chaincode's first instruction."""
        out = os.path.join(self.work, "stamp.out")
        env = dict(self.env, STAMP_OUT=out)
        samples = []
        for _ in range(self.runs):
            start = time.monotonic_ns()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            with open(out) as file:
                samples.append((int(file.read()) - start) / 1e6)
        return samples

    def row(self, name, samples, goal=None, baseline=None):
        median = statistics.median(samples) - (statistics.median(baseline) if baseline else 0)
        p90 = percentile(samples, 0.9) - (statistics.median(baseline) if baseline else 0)
        verdict = "" if goal is None else ("ok" if median <= goal else "MISSED")
        self.rows.append((name, f"{median:.2f} ms", f"{p90:.2f} ms", "" if goal is None else f"<= {goal} ms", verdict))

    def measure(self):
        ctx = self.context
        self.row("detect, whole process", self.wall([self.bin("detect"), f"{ctx}/src", f"{ctx}/metadata"]), goal=5)
        direct = self.to_exec([self.stamp])
        self.row("run start -> chaincode exec (overhead)", self.to_exec([self.bin("run"), f"{ctx}/bld", self.run_dir]),
                 goal=10, baseline=direct)
        if shutil.which("jq"):
            self.row("(reference) shell+jq run script, same measure",
                     self.to_exec([os.path.join(ROOT, "bench", "shell-run.sh"), f"{ctx}/bld", self.run_dir]),
                     baseline=direct)
        self.row("(reference) spawn the chaincode directly", direct)

    def add_ratio(self, name, sandboxed, direct, unit, goal, at_most):
        ratio = sandboxed / direct
        verdict = "ok" if (ratio <= goal if at_most else ratio >= goal) else "MISSED"
        self.rows.append((name, f"{ratio:.2f} ({sandboxed:.1f} / {direct:.1f} {unit})", "",
                          f"{'<=' if at_most else '>='} {goal}", verdict))

    def add_value(self, name, shown, goal, ok):
        self.rows.append((name, shown, "", goal, "" if not goal else ("ok" if ok else "MISSED")))

    def print_table(self):
        header = ("benchmark", "median", "p90", "goal", "")
        widths = [max(len(str(row[i])) for row in self.rows + [header]) for i in range(len(header))]
        line = lambda row: "| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) + " |"
        print(line(header))
        print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
        for row in self.rows:
            print(line(row))
        print(f"\n{self.runs} runs each, {os.cpu_count()} cores, k8svm: {self.k8svm}")


class SandboxBench:
    """The sandbox rows: the Swift example started by `k8svm dev run` (a local process dialling the peer directly) and
    by `k8svm sandbox run` (bubblewrap, limits, the relay), timed from "building" to "registered", then driven with
    invokes through the debug peer's HTTP API."""

    def __init__(self, k8svm, example, launches, invokes, work):
        self.k8svm, self.example, self.launches, self.invokes = k8svm, example, launches, invokes
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": work,
                    "K8SVM_SANDBOX_WORK_DIRECTORY": os.path.join(work, "sandbox")}
        os.chmod(work, 0o711)

    def start(self, mode):
        """Starts `k8svm MODE run`; returns the process, its API address and the launch time in ms."""
        process = subprocess.Popen([self.k8svm, mode, "run", self.example, "--name", "asset", "--listen", "127.0.0.1:0",
                                    "--api", "127.0.0.1:0"], env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        api, began = None, None
        for line in process.stderr:
            if "API on http://" in line:
                api = line.strip().split("http://")[-1]
            elif "building" in line and began is None:
                began = time.perf_counter_ns()
            elif "asset:1.0 registered" in line:
                elapsed = (time.perf_counter_ns() - began) / 1e6
                threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
                return process, api, elapsed
        raise RuntimeError(f"k8svm {mode} run ended before the chaincode registered")

    @staticmethod
    def stop(process):
        process.send_signal(2)
        process.wait(timeout=30)

    def launch_ms(self, mode):
        samples = []
        for _ in range(self.launches):
            process, _, elapsed = self.start(mode)
            samples.append(elapsed)
            self.stop(process)
        return statistics.median(samples)

    def invokes_per_second(self, mode, clients=4):
        process, api, _ = self.start(mode)
        host, port = api.rsplit(":", 1)
        per_client = self.invokes // clients

        def client(index):
            connection = http.client.HTTPConnection(host, int(port))
            for n in range(per_client):
                body = json.dumps({"Args": ["CreateAsset", f"c{index}-{n}", "blue", "5", "bench", "1"]})
                connection.request("POST", "/chaincodes/asset/invoke", body, {"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                assert answer.status == 200, answer.status
            connection.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = per_client * clients / (time.perf_counter() - start)
        self.stop(process)
        return rate

    def measure(self, bench):
        dev, sandboxed = self.launch_ms("dev"), self.launch_ms("sandbox")
        bench.add_ratio("sandboxed launch -> REGISTERED / unsandboxed", sandboxed, dev, "ms", 1.5, at_most=True)
        direct, relayed = self.invokes_per_second("dev"), self.invokes_per_second("sandbox")
        bench.add_ratio("invoke throughput via relay / direct", relayed, direct, "invokes/s", 0.8, at_most=False)
        bench.add_value("dev launch -> REGISTERED (Swift example)", f"{dev:.1f} ms", "<= 100 ms", dev <= 100)
        bench.add_value("invokes/s, HTTP API, get+put (Python clients)", f"{direct:.0f}/s", "", True)


def grpc_invokes_per_second(benchmark):
    """get+put invokes/s over the real chaincode stream, the peer and the Swift shim pinned to one core."""
    output = subprocess.run(["taskset", "-c", "0", benchmark, "20000", "8", "--nio-executor"], check=True,
                            capture_output=True, text=True).stdout
    return float(next(line for line in output.splitlines() if line.startswith("throughput:")).split()[1])


def image_build(products, k8svm):
    """Cold and cache-hit `build` of a Go package (Docker runner, real registry) and stage-2 assembly time."""
    output = subprocess.run([os.path.join(products, "ImageBuildBenchmark"), "--k8svm", k8svm, "--runs", "3", "--json"],
                            check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    work = tempfile.mkdtemp(prefix="k8svm-bench-registry-")
    port = free_port()
    with open(os.path.join(work, "config.yml"), "w") as config:
        config.write(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {work}/data\n"
                     f"http:\n  addr: 127.0.0.1:{port}\nlog:\n  level: error\n")
    registry = subprocess.Popen(["docker-registry", "serve", os.path.join(work, "config.yml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        table = subprocess.run([os.path.join(products, "OCIRegistryBenchmark"), "--registry", f"127.0.0.1:{port}",
                                "--runs", "5"], check=True, capture_output=True, text=True).stdout
        row = next(line for line in table.splitlines() if line.startswith("| new layer"))
        result["stage2Milliseconds"] = float(row.split("|")[3])
    finally:
        registry.terminate()
        registry.wait()
        shutil.rmtree(work, ignore_errors=True)
    return result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def kubernetes_run(benchmark, k8svm):
    """API requests and resident memory of kubernetes `run`, against the fake API server."""
    output = subprocess.run([benchmark, "--k8svm", k8svm, "--runs", "5", "--json"], check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--k8svm", help="a k8svm binary (default: scripts/build-release.sh)")
    parser.add_argument("--example", help="the Swift example chaincode (default: scripts/build-release.sh)")
    parser.add_argument("--launches", type=int, default=10, help="launches per sandbox launch sample")
    parser.add_argument("--invokes", type=int, default=2000, help="invokes per throughput sample")
    parser.add_argument("--no-sandbox", action="store_true", help="skip the sandbox rows (no bubblewrap)")
    parser.add_argument("--image-build", action="store_true",
                        help="add the image build rows (root, Docker, docker-registry)")
    options = parser.parse_args()
    k8svm, example = options.k8svm, options.example
    if not k8svm:
        sh(RELEASE_BUILD, "--product", "k8svm", cwd=ROOT, stdout=sys.stderr)
        k8svm = os.path.join(ROOT, ".build", "release", "k8svm")
    if not example and not options.no_sandbox:
        sh(RELEASE_BUILD, "--product", "AssetTransferExample", cwd=ROOT, stdout=sys.stderr)
        example = os.path.join(ROOT, ".build", "release", "AssetTransferExample")
    sh(RELEASE_BUILD, "--product", "DebugPeerBenchmark", cwd=ROOT, stdout=sys.stderr)
    sh(RELEASE_BUILD, "--product", "KubernetesRunBenchmark", cwd=ROOT, stdout=sys.stderr)
    if options.image_build:
        for product in ("ImageBuildBenchmark", "OCIRegistryBenchmark"):
            sh(RELEASE_BUILD, "--product", product, cwd=ROOT, stdout=sys.stderr)
    products = os.path.join(ROOT, ".build", "release")
    bench = Bench(os.path.abspath(k8svm), options.runs)
    try:
        bench.prepare()
        bench.measure()
        rate = grpc_invokes_per_second(os.path.join(products, "DebugPeerBenchmark"))
        bench.add_value("invokes/s, gRPC, get+put, one core", f"{rate:.0f}/s", ">= 5000/s", rate >= 5000)
        kube = kubernetes_run(os.path.join(products, "KubernetesRunBenchmark"), os.path.abspath(k8svm))
        bench.add_value("kubernetes run: API requests per launch", f"{kube['requests']:.0f}", "<= 4", kube["requests"] <= 4)
        bench.add_value("kubernetes run: resident memory while running",
                        f"{kube['residentMiB']:.1f} MiB ({kube['anonymousMiB']:.1f} anon)", "<= 12 MiB",
                        kube["residentMiB"] <= 12)
        if options.image_build:
            built = image_build(products, os.path.abspath(k8svm))
            bench.add_value("cache-hit build (Go package)", f"{built['cacheHitSeconds'] * 1000:.0f} ms", "<= 1 s",
                            built["cacheHitSeconds"] <= 1)
            bench.add_value("stage-2 assembly, 20 MiB binary", f"{built['stage2Milliseconds']:.0f} ms", "", True)
            bench.add_value("cold-build overhead: build / plain go build",
                            f"{built['ratio']:.2f} ({built['coldSeconds']:.1f} / {built['plainSeconds']:.1f} s)", "<= 1.2",
                            built["ratio"] <= 1.2)
            bench.add_value("warm-rebuild overhead: build / warm plain go build",
                            f"{built['warmRatio']:.2f} ({built['warmSeconds']:.1f} / {built['warmPlainSeconds']:.1f} s)",
                            "<= 1.5", built["warmRatio"] <= 1.5)
        if not options.no_sandbox:
            # Not under bench.work (0700): the sandbox uid must pass through every parent of its work directory.
            work = tempfile.mkdtemp(prefix="k8svm-bench-sandbox-")
            try:
                SandboxBench(os.path.abspath(k8svm), os.path.abspath(example), options.launches, options.invokes,
                             work).measure(bench)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        bench.print_table()
    finally:
        bench.close()


if __name__ == "__main__":
    main()
