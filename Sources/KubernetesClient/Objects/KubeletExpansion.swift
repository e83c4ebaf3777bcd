/// The kubelet's variable syntax in a container's `env` values, `command` and `args`: `$(NAME)` is replaced by the
/// container variable `NAME` (left as written when there is none) and `$$` stands for one `$`. Text K8sVM means
/// literally goes through `literal(_:)`, so that a `$` in a user's argument or a peer's value reaches the process as
/// it was written.
public enum KubeletExpansion {
    /// `text` with every `$` doubled: the kubelet hands the process exactly `text`.
    public static func literal<Text: StringProtocol>(_ text: Text) -> String {
        text.replacingOccurrences(of: "$", with: "$$")
    }

    /// A reference the kubelet replaces by the container variable `name`.
    public static func reference(_ name: String) -> String {
        "$(\(name))"
    }
}
