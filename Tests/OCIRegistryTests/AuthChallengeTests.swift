@testable import OCIRegistry
import Testing

/// `WWW-Authenticate` parsing, for header shapes the test registry does not send (other registries do).
@Suite struct AuthChallengeTests {
    @Test func aBearerChallengeWithSeveralScopesAndQuotedCommas() throws {
        let challenge = try #require(AuthChallenge(header: #"Bearer realm="https://auth.example/token?x=1,2",service="registry.example",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope""#))
        #expect(challenge.scheme == .bearer)
        #expect(challenge.realm == "https://auth.example/token?x=1,2")
        #expect(challenge.service == "registry.example")
        #expect(challenge.scopes == ["repository:a/b:pull,push", "repository:c:pull"])
        #expect(challenge.parameters["error"] == "insufficient_scope")
    }

    @Test func basicAndUnquotedParametersAndOtherSchemes() throws {
        let basic = try #require(AuthChallenge(header: #"basic realm=Registry Realm"#))
        #expect(basic.scheme == .basic && basic.realm == "Registry Realm")
        let escaped = try #require(AuthChallenge(header: #"Bearer realm="a\"b", service = svc"#))
        #expect(escaped.realm == #"a"b"# && escaped.service == "svc" && escaped.scopes.isEmpty)
        #expect(AuthChallenge(header: #"Negotiate abc"#) == nil)
    }
}
