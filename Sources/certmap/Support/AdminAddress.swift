import CertMapCore

/// How `--admin` (serve) and `--attach` (console) tell a TLS admin endpoint from a socket path:
/// `HOST:PORT` is an address; anything starting with `/` or `.` is a path.
enum AdminAddress {
    /// The TCP address `text` names, or nil when it is a socket path.
    static func tcp(_ text: String) -> ListenAddress? {
        guard !text.hasPrefix("/"), !text.hasPrefix(".") else { return nil }
        return try? ListenAddress(parsing: text)
    }
}
