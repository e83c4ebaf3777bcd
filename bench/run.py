#!/usr/bin/env python3
"""K8sVM benchmark harness: builds k8svm in release mode, measures real processes, prints one table.

Usage: python3 bench/run.py [--runs N] [--k8svm PATH]

Rows (goal from the issues):
  detect, whole process            median wall time of bin/detect on a binary package      goal <= 5 ms
  run start -> chaincode exec      from spawning bin/run to the chaincode's first instruction,
                                   minus the same for spawning the chaincode directly        goal <= 10 ms
  (reference) shell+jq run script  the same measure for a run script written in sh + jq
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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

    def print_table(self):
        header = ("benchmark", "median", "p90", "goal", "")
        widths = [max(len(str(row[i])) for row in self.rows + [header]) for i in range(len(header))]
        line = lambda row: "| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) + " |"
        print(line(header))
        print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
        for row in self.rows:
            print(line(row))
        print(f"\n{self.runs} runs each, {os.cpu_count()} cores, k8svm: {self.k8svm}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--k8svm", help="a k8svm binary (default: swift build -c release)")
    options = parser.parse_args()
    k8svm = options.k8svm
    if not k8svm:
        sh("swift", "build", "-c", "release", "--product", "k8svm", cwd=ROOT, stdout=sys.stderr)
        k8svm = os.path.join(ROOT, ".build", "release", "k8svm")
    bench = Bench(os.path.abspath(k8svm), options.runs)
    try:
        bench.prepare()
        bench.measure()
        bench.print_table()
    finally:
        bench.close()


if __name__ == "__main__":
    main()
