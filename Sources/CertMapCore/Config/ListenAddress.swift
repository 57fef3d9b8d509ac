/// `HOST:PORT` as given on the command line (`127.0.0.1:8443`, `[::1]:8443`, `localhost:0`):
/// where the server and the proxies listen, and where clients connect.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw InvalidListenAddress(text: text)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw InvalidListenAddress(text: text) }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A `HOST:PORT` that could not be parsed, said the way the command line should read it.
public struct InvalidListenAddress: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String

    public var description: String { "\"\(text)\" is not HOST:PORT (e.g. 127.0.0.1:8443)" }
}
