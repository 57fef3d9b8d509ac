import CertMapCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// Assembles a server connection's channel pipeline, in one place:
/// `IdleStateHandler` → `NIOSSLServerHandler` (client certificate requested, never judged at the
/// handshake) → `ConnectionLifecycleHandler` (admission, deadlines, handshake and close events)
/// → NIOHTTP1 server codec with pipelining assistance and error handling →
/// `RequestAuthenticationHandler`.
enum ServerPipeline {
    static func configure(_ channel: Channel, service: AuthenticationService, tls: NIOSSLContext, gateway: GatewayRuntime?) throws {
        let limits = service.generation.snapshot.document.server.limits
        let presented = PresentedChain()
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000))))
        try sync.addHandler(NIOSSLServerHandler(context: tls, customVerificationCallback: presented.verificationCallback))
        try sync.addHandler(ConnectionLifecycleHandler(service: service, presented: presented, limits: limits))
        // Response headers are not re-validated on every response: certmap's own carry fixed names
        // and values, trace ids and account names (which the configuration validator refuses with
        // control characters); a gateway's come from the application's response, already parsed.
        try sync.configureHTTPServerPipeline(
            position: .last, withPipeliningAssistance: true, withErrorHandling: true, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits(for: limits))
        try sync.addHandler(RequestAuthenticationHandler(service: service, limits: limits, gateway: gateway))
    }

    /// NIO's decoder gives up (400) past its own limits, 80 KiB by default; they are set above
    /// certmap's so a head over `maxHeaderBytes` gets certmap's 431, whatever the setting.
    static func decoderLimits(for limits: ServerLimits) -> NIOHTTPDecoderLimitConfiguration {
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        let above = min(limits.maxHeaderBytes, Int.max / 2) * 2
        decoderLimits.maxHeaderListSize = max(decoderLimits.maxHeaderListSize, above)
        decoderLimits.maxHeaderFieldSize = max(decoderLimits.maxHeaderFieldSize, above)
        return decoderLimits
    }
}
