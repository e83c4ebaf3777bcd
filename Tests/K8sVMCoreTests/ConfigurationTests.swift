import Foundation
import K8sVMCore
import Testing

/// A section as a backend would declare one.
private struct ToolSettings: SettingsSection {
    static let name = "tool"
    var command = "go"
    var cache = ""
    var timeout: Duration = .seconds(240)
    var gracePeriod: Duration = .seconds(4)
    var size = 64 << 20
    var verbose = false

    static let settings: [Setting<ToolSettings>] = [
        .text("command", "the command", \.command, allowEmpty: false),
        .text("cache", "a cache directory", \.cache, allowEmpty: true),
        .duration("timeout", "how long it may take", \.timeout),
        .duration("gracePeriod", "how long it gets to stop", \.gracePeriod),
        .byteSize("size", "how large it may grow", \.size),
        .flag("verbose", "say more", \.verbose),
    ]
}

/// A second backend's section.
private struct ClusterSettings: SettingsSection {
    static let name = "cluster"
    enum Mode: String, CaseIterable, Sendable { case job, docker }
    var mode = Mode.job
    var replicas = 1

    static let settings: [Setting<ClusterSettings>] = [
        .choice("mode", "where it runs", \.mode),
        .count("replicas", "how many", \.replicas),
    ]
}

/// Configuration: defaults, then the YAML file, then `K8SVM_*` variables; only the sections the executable names
/// exist, and every mistake is named.
@Suite struct ConfigurationTests {
    private func defaults() -> Configuration {
        Configuration(backends: ["tool", "cluster"], sections: [ToolSettings.self, ClusterSettings.self, ToolSettings.self])
    }

    @Test func environmentOverridesTheFileWhichOverridesDefaults() throws {
        var configuration = defaults()
        try configuration.apply(yaml: "backend: cluster\ntool:\n  command: /opt/go/bin/go\n  timeout: 5m\n", source: "k8svm.yaml")
        try configuration.apply(environment: ["K8SVM_TOOL_TIMEOUT": "90s", "K8SVM_CLUSTER_MODE": "Docker",
                                              "K8SVM_CONFIG": "/x", "K8SVM_TEST_KUBECONFIG": "/y"])
        #expect(configuration.backend == "cluster")
        #expect(configuration[ToolSettings.self].command == "/opt/go/bin/go")
        #expect(configuration[ToolSettings.self].timeout == .seconds(90))
        #expect(configuration[ToolSettings.self].gracePeriod == .seconds(4))
        #expect(configuration[ClusterSettings.self].mode == .docker)
        let shown = configuration.rendered()
        #expect(shown.contains("  command: /opt/go/bin/go  # k8svm.yaml"))
        #expect(shown.contains("  timeout: 90s  # $K8SVM_TOOL_TIMEOUT"))
        #expect(shown.contains("  gracePeriod: 4s  # default"))
        #expect(shown.components(separatedBy: "tool:").count == 2, "a section listed twice is printed once")
    }

    @Test func theRenderedConfigurationReadsBackToTheSameValues() throws {
        var configuration = defaults()
        try configuration.apply(environment: ["K8SVM_TOOL_GRACE_PERIOD": "250ms", "K8SVM_TOOL_CACHE": "/var/cache/go",
                                              "K8SVM_TOOL_SIZE": "3M", "K8SVM_TOOL_VERBOSE": "yes", "K8SVM_BACKEND": "cluster"])
        var reread = defaults()
        try reread.apply(yaml: configuration.rendered(), source: "shown")
        #expect(reread[ToolSettings.self] == configuration[ToolSettings.self])
        #expect(reread[ToolSettings.self].size == 3 << 20)
        #expect(reread.backend == "cluster")
    }

    @Test func theTemplateIsValidConfigurationAtTheDefaults() throws {
        var configuration = defaults()
        let template = configuration.commentedTemplate(backend: "cluster")
        #expect(template.contains("#   # the command ($K8SVM_TOOL_COMMAND)\n#   command: go\n"))
        try configuration.apply(yaml: template, source: "template")
        #expect(configuration.backend == "cluster")
        #expect(configuration[ToolSettings.self] == ToolSettings())
    }

    @Test(arguments: [
        ("backend: tool\nextra: 1\n", "k8svm.yaml: unknown key \"extra\""),
        ("backend: local\n", "k8svm.yaml: \"backend\": unknown backend \"local\" (one of: tool, cluster)"),
        ("tool:\n  comand: go\n", "k8svm.yaml: unknown key \"tool.comand\""),
        ("local:\n  goCommand: go\n", "k8svm.yaml: unknown key \"local\""),
        ("backend:\n  nested: 1\n", "unknown key \"backend\""),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("tool:\n  command: \"\"\n", "\"tool.command\": must not be empty"),
        ("tool:\n  timeout: -3s\n", "\"tool.timeout\": \"-3s\" is not a duration"),
        ("tool:\n  timeout: [1]\n", "\"tool.timeout\" must be a single value"),
        ("cluster:\n  mode: pod\n", "\"cluster.mode\": \"pod\" is not one of job, docker"),
        ("cluster:\n  replicas: 0\n", "\"cluster.replicas\": \"0\" is not a whole number of at least 1"),
    ])
    func mistakesInTheFileAreNamed(yaml: String, message: String) {
        var configuration = defaults()
        #expect {
            try configuration.apply(yaml: yaml, source: "k8svm.yaml")
        } throws: { error in
            (error as? K8sVMError)?.message.contains(message) == true
        }
    }

    @Test func anUnknownVariableIsNamedWithTheKnownOnes() {
        var configuration = defaults()
        #expect {
            try configuration.apply(environment: ["K8SVM_LOCAL_GO_COMMAND": "go"])
        } throws: { error in
            let message = (error as? K8sVMError)?.message ?? ""
            return message.hasPrefix("unknown environment variable K8SVM_LOCAL_GO_COMMAND") && message.contains("K8SVM_TOOL_COMMAND")
        }
    }

    @Test func durationsReadTheUsualUnits() {
        #expect(Duration(configValue: "250ms") == .milliseconds(250))
        #expect(Duration(configValue: "1.5s") == .milliseconds(1500))
        #expect(Duration(configValue: "2m") == .seconds(120))
        #expect(Duration(configValue: "1h") == .seconds(3600))
        #expect(Duration(configValue: "7") == .seconds(7))
        #expect(Duration(configValue: "soon") == nil)
        #expect(Duration.milliseconds(1500).configValue == "1500ms")
    }
}
