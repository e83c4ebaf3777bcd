/// The kubelet's expansion of container variables in `env` values, `command` and `args`: `$(NAME)` becomes the
/// value of `NAME` when the container defines it and stays as written when it does not, `$$` becomes `$`, and any
/// other `$` (before another character, an unclosed `$(`, or at the end) stays as it is.
enum VariableExpansion {
    static func expand(_ text: String, _ variables: [String: String]) -> String {
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let next = rest.index(after: dollar)
            guard next < rest.endIndex else {
                rest = rest[dollar...]
                break
            }
            switch rest[next] {
            case "$":
                output += "$"
                rest = rest[rest.index(after: next)...]
            case "(":
                if let close = rest[next...].firstIndex(of: ")") {
                    let name = String(rest[rest.index(after: next)..<close])
                    output += variables[name] ?? "$(\(name))"
                    rest = rest[rest.index(after: close)...]
                } else {
                    output += "$("
                    rest = rest[rest.index(after: next)...]
                }
            default:
                output += rest[dollar...next]
                rest = rest[rest.index(after: next)...]
            }
        }
        return output + rest
    }
}
