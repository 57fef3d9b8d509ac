import Foundation

/// Why creating or extending the demo PKI failed. Messages name the file or credential and
/// what to do, because `certmap pki init|issue` prints them as the one-line error (docs/design.md §9).
public enum PKIError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The directory already holds a PKI and `force` was not given; nothing was changed.
    case alreadyInitialized(directory: String)
    /// A credential with this name already exists; nothing was changed.
    case credentialExists(name: String, path: String)
    /// The credential name cannot be used as a file name.
    case invalidCredentialName(String)
    /// A file could not be created, read or written.
    case fileSystem(path: String, reason: String)
    /// A file exists but does not hold what it should (certificate or key).
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .alreadyInitialized(let directory):
            return "a PKI already exists in \(directory); nothing was changed (use --force to replace it)"
        case .credentialExists(let name, let path):
            return "credential \"\(name)\" already exists at \(path); choose another name or delete its files"
        case .invalidCredentialName(let name):
            return "credential name \"\(name)\" is not usable as a file name; use letters, digits, '-', '_' or '.'"
        case .fileSystem(let path, let reason):
            return "\(path): \(reason)"
        case .unreadableFile(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
