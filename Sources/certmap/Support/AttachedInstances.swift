import CertMapCore
import CertMapJournal
import Foundation

/// What a console attached to several servers needs to show their events side by side: a short
/// name for each (the directory its admin socket is in: `/srv/edge-2/admin.sock` is `edge-2`),
/// and connection numbers of its own, since every server counts its connections from 1.
struct AttachedInstances: Sendable {
    let names: [String]
    private let numbering = LockedState<(next: ConnectionID, local: [Key: ConnectionID])>((1, [:]))

    private struct Key: Hashable {
        let instance: Int
        let connection: ConnectionID
    }

    /// - Parameter paths: admin socket paths, or `HOST:PORT` of TLS admin endpoints (named by their address).
    init(paths: [String]) {
        var names = paths.map { AdminAddress.tcp($0) == nil ? URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent : $0 }
        if Set(names).count != names.count || names.contains(where: \.isEmpty) {
            names = paths.indices.map { "i\($0 + 1)" }
        }
        self.names = names
    }

    /// An event of server `instance` as the console shows it: its server's name on requests and
    /// on system and security messages, connections numbered by the console.
    func localized(_ event: CertMapEvent, instance: Int) -> CertMapEvent.Kind {
        let name = names[instance]
        switch event.kind {
        case .request(let record):
            return .request(record.with(run: name, connection: local(record.connection, instance: instance)))
        case .connectionOpened(let opened):
            return .connectionOpened(ConnectionOpened(
                connection: local(opened.connection, instance: instance), peer: opened.peer, local: "\(name) \(opened.local)",
                peerIsTrustedProxy: opened.peerIsTrustedProxy, tlsVersion: opened.tlsVersion, cipherSuite: opened.cipherSuite,
                certificate: opened.certificate, forwarder: opened.forwarder, resumed: opened.resumed))
        case .connectionClosed(let closed):
            return .connectionClosed(ConnectionClosed(connection: local(closed.connection, instance: instance), requests: closed.requests, reason: closed.reason))
        case .security(let security):
            return .security(SecurityEvent(
                category: security.category, connection: security.connection.map { local($0, instance: instance) }, peer: security.peer,
                message: "\(name): \(security.message)", reason: security.reason))
        case .system(let system):
            return .system(SystemEvent("\(name): \(system.message)"))
        default:
            return event.kind
        }
    }

    /// A server that restarted counts its connections from 1 again: its old numbers are forgotten.
    func restarted(_ instance: Int) {
        numbering.withLock { state in state.local = state.local.filter { $0.key.instance != instance } }
    }

    private func local(_ connection: ConnectionID, instance: Int) -> ConnectionID {
        numbering.withLock { state in
            let key = Key(instance: instance, connection: connection)
            if let known = state.local[key] { return known }
            if state.local.count >= 100_000 { state.local.removeAll() }
            defer { state.next += 1 }
            state.local[key] = state.next
            return state.next
        }
    }
}
