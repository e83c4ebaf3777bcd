import Foundation
import K8sVMCore
import Testing

/// Configuration: defaults, then the YAML file, then `K8SVM_*` variables; every mistake is named.
@Suite struct ConfigurationTests {
    @Test func environmentOverridesTheFileWhichOverridesDefaults() throws {
        var configuration = Configuration()
        try configuration.apply(yaml: "backend: local\nlocal:\n  goCommand: /opt/go/bin/go\n  buildTimeout: 5m\n", source: "k8svm.yaml")
        try configuration.apply(environment: ["K8SVM_LOCAL_BUILD_TIMEOUT": "90s", "K8SVM_CONFIG": "/x", "K8SVM_TEST_KUBECONFIG": "/y"])
        #expect(configuration.local.goCommand == "/opt/go/bin/go")
        #expect(configuration.local.buildTimeout == .seconds(90))
        #expect(configuration.local.stopGracePeriod == .seconds(4))
        let shown = configuration.rendered()
        #expect(shown.contains("  goCommand: /opt/go/bin/go  # k8svm.yaml"))
        #expect(shown.contains("  buildTimeout: 90s  # $K8SVM_LOCAL_BUILD_TIMEOUT"))
        #expect(shown.contains("  stopGracePeriod: 4s  # default"))
    }

    @Test func theRenderedConfigurationReadsBackToTheSameValues() throws {
        var configuration = Configuration()
        try configuration.apply(environment: ["K8SVM_LOCAL_STOP_GRACE_PERIOD": "250ms", "K8SVM_LOCAL_GO_CACHE": "/var/cache/go"])
        var reread = Configuration()
        try reread.apply(yaml: configuration.rendered(), source: "shown")
        #expect(reread.local == configuration.local)
        #expect(reread.backend == configuration.backend)
    }

    @Test func theInstalledTemplateIsValidConfiguration() throws {
        var configuration = Configuration()
        try configuration.apply(yaml: Configuration.commentedTemplate(backend: .local), source: "template")
        #expect(configuration.backend == .local)
        #expect(configuration.local == Configuration().local)
    }

    @Test(arguments: [
        ("backend: local\nextra: 1\n", "k8svm.yaml: unknown key \"extra\""),
        ("local:\n  goComand: go\n", "k8svm.yaml: unknown key \"local.goComand\""),
        ("backend:\n  nested: 1\n", "unknown key \"backend\""),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("local:\n  goCommand: \"\"\n", "\"local.goCommand\": must not be empty"),
        ("local:\n  buildTimeout: -3s\n", "\"local.buildTimeout\": \"-3s\" is not a duration"),
        ("local:\n  buildTimeout: [1]\n", "\"local.buildTimeout\" must be a single value"),
    ])
    func mistakesInTheFileAreNamed(yaml: String, message: String) {
        var configuration = Configuration()
        #expect {
            try configuration.apply(yaml: yaml, source: "k8svm.yaml")
        } throws: { error in
            (error as? K8sVMError)?.message.contains(message) == true
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
