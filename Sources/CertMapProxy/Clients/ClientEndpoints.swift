import CertMapCore
import Foundation

/// Where synthetic clients connect for each route, and the CA bundle they trust the server
/// (and the reverse proxy) with. The forward route CONNECTs to `localhost:<server port>`.
public struct ClientEndpoints: Hashable, Sendable {
    public var server: ListenAddress
    public var forwardProxy: ListenAddress?
    public var reverseProxy: ListenAddress?
    public var caBundle: URL

    public init(server: ListenAddress, forwardProxy: ListenAddress?, reverseProxy: ListenAddress?, caBundle: URL) {
        self.server = server
        self.forwardProxy = forwardProxy
        self.reverseProxy = reverseProxy
        self.caBundle = caBundle
    }
}
