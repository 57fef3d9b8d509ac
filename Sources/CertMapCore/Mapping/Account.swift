/// A local account that certificates map to, with the groups resource rules refer to.
///
/// Mirrors the Windows account an IIS mapping names: a disabled account makes a mapped
/// request fail with 401.1, exactly as a disabled Windows account did.
public struct Account: Hashable, Sendable {
    public var name: String
    public var isEnabled: Bool
    public var groups: [String]

    public init(name: String, isEnabled: Bool = true, groups: [String] = []) {
        self.name = name
        self.isEnabled = isEnabled
        self.groups = groups
    }
}
