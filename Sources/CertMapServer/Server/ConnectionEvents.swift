/// Sent down the pipeline (inbound) by `ConnectionLifecycleHandler` once the TLS handshake is
/// done and the peer's proxy role is known: what the request handler authenticates with.
struct ConnectionEstablished: Sendable {
    let info: ConnectionInfo
}

/// Sent up the pipeline (outbound) by `RequestAuthenticationHandler` as a request progresses, so
/// `ConnectionLifecycleHandler` can keep the connection's deadlines (a handler does not call
/// another one directly).
enum RequestProgress: Sendable {
    /// A complete request head arrived: its head deadline is met.
    case headReceived
    /// The response streams from the application (gateway mode): the idle timeout waits.
    case responseStreaming
    /// The response is written: the next bytes start a new request.
    case responseSent
}
