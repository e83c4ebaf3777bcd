/// The version of this build of k8svm (part of the build recipe of content-addressed images).
public enum K8sVMVersion {
    public static let current = "0.1.0"
}
