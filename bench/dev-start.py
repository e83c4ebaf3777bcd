#!/usr/bin/env python3
"""Dev-mode start times of the README's main job, `k8svm dev run Examples/asset-transfer-swift`, in a checkout
whose debug build exists (run the README's first command once). Prints one table.

Usage: python3 bench/dev-start.py [--repo DIR] [--runs N]

Rows (goals from issue 14):
  second start -> REGISTERED       k8svm (debug build) start to "registered", nothing changed     goal <= 3 s
  --watch restart after an edit    one-line change of the example to "registered" again, over
                                   the same change built by `swift build --product` alone     goal <= build + 1 s
The example's source is edited during the run (a comment line) and restored afterwards. Run it in a clone, not in
a checkout whose tests are built (`swift test` builds with testing enabled; this build does not).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = "Examples/asset-transfer-swift"
SOURCE = EXAMPLE + "/Sources/asset-transfer/AssetTransfer.swift"


class DevRun:
    """`k8svm dev run` of the example, its stderr collected in a file."""

    def __init__(self, repo, extra=()):
        self.log = tempfile.NamedTemporaryFile(prefix="k8svm-dev-start-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [os.path.join(repo, ".build", "debug", "k8svm"), "dev", "run", EXAMPLE, "--listen", "127.0.0.1:0",
             "--api", "127.0.0.1:0", *extra], cwd=repo, stdout=subprocess.DEVNULL, stderr=self.log)

    def text(self):
        with open(self.log.name) as file:
            return file.read()

    def wait_for(self, needle, after=0, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text()[after:]:
                return time.monotonic()
            if self.process.poll() is not None:
                sys.exit(f"k8svm dev run ended:\n{self.text()}")
            time.sleep(0.02)
        sys.exit(f"no '{needle}' within {timeout} s:\n{self.text()}")

    def stop(self):
        self.process.send_signal(2)
        self.process.wait(timeout=30)
        os.unlink(self.log.name)


def edit(repo, counter):
    with open(os.path.join(repo, SOURCE), "a") as file:
        file.write(f"// k8svm bench edit {counter}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    repo = os.path.abspath(options.repo)
    source = os.path.join(repo, SOURCE)
    with open(source) as file:
        original = file.read()
    rows = []
    try:
        first = DevRun(repo)
        first.wait_for("registered; try")
        first.stop()
        starts = []
        for _ in range(options.runs):
            began = time.monotonic()
            run = DevRun(repo)
            starts.append(run.wait_for("registered; try") - began)
            run.stop()
        start = statistics.median(starts)
        rows.append(("second start -> REGISTERED, nothing changed", f"{start:.2f} s", "<= 3 s", start <= 3))

        restarts, builds = [], []
        watch = DevRun(repo, ["--watch"])
        watch.wait_for("registered; try")
        for counter in range(options.runs):
            mark = len(watch.text())
            began = time.monotonic()
            edit(repo, f"w{counter}")
            watch.wait_for("sources changed", after=mark)
            restarts.append(watch.wait_for("registered; try", after=watch.text().find("sources changed", mark)) - began)
        watch.stop()
        for counter in range(options.runs):
            edit(repo, f"b{counter}")
            began = time.monotonic()
            subprocess.run(["swift", "build", "--package-path", repo, "--product", "AssetTransferExample"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            builds.append(time.monotonic() - began)
        restart, build = statistics.median(restarts), statistics.median(builds)
        rows.append(("--watch restart after a one-line change", f"{restart:.2f} s (build alone {build:.2f} s)",
                     f"<= {build + 1:.2f} s", restart <= build + 1))
    finally:
        with open(source, "w") as file:
            file.write(original)
    header = ("benchmark", "median", "goal", "")
    table = [header] + [(name, value, goal, "ok" if ok else "MISSED") for name, value, goal, ok in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    print(f"\n{options.runs} runs each, {os.cpu_count()} cores, repository: {repo}")


if __name__ == "__main__":
    main()
