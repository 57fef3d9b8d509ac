/// When the reverse proxy may send a request over an upstream connection that already carried
/// another client's requests (HAProxy's `http-reuse`):
/// - `never`: each client connection gets its own upstream connection(s);
/// - `safe`: an idle upstream connection is reused only for the client connection that opened
///   it, so users never share one;
/// - `always`: any idle upstream connection serves any client — with a pool of size 1, every
///   user's requests interleave on one connection, which is what exposes servers that cache
///   identity per connection.
public enum UpstreamReusePolicy: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    case never
    case safe
    case always

    public var description: String { rawValue }
}
