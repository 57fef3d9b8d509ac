import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import NIOPosix
import XCTest

/// A real certmap HTTPS server on 127.0.0.1 and an ephemeral port, with a fresh demo home,
/// stopped when the test ends.
final class ServerHarness: @unchecked Sendable {
    let home: DataHome
    let server: CertMapHTTPSServer
    let group: MultiThreadedEventLoopGroup
    let subscription: EventSubscription

    var service: AuthenticationService { server.service }
    var port: Int { server.boundAddress.port }
    var baseURL: String { "https://127.0.0.1:\(port)" }

    static func start(_ testCase: XCTestCase, mode: AuthPersistencePreset = .perRequest, edit: (inout ConfigDocument) -> Void = { _ in }) async throws -> ServerHarness {
        let home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-server-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
        var document = try ConfigStore(home: home).load()
        edit(&document)
        let configuration = LiveConfiguration(try ConfigSnapshot(document: document, generation: 1))
        let events = EventBus()
        let service = AuthenticationService(configuration: configuration, home: home, events: events, persistence: mode.flags)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let subscription = events.subscribe()
        let server = try await CertMapHTTPSServer.start(service: service, listen: ListenAddress(host: "127.0.0.1", port: 0), group: group)
        let harness = ServerHarness(home: home, server: server, group: group, subscription: subscription)
        testCase.addTeardownBlock {
            await server.stop()
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(at: home.url)
        }
        return harness
    }

    private init(home: DataHome, server: CertMapHTTPSServer, group: MultiThreadedEventLoopGroup, subscription: EventSubscription) {
        self.home = home
        self.server = server
        self.group = group
        self.subscription = subscription
    }

    func credential(_ name: String) -> (certificate: String, key: String) {
        (home.pkiDirectory.appendingPathComponent("\(name).crt").path, home.pkiDirectory.appendingPathComponent("\(name).key").path)
    }

    /// The request records published so far, in order.
    func requestRecords() -> [RequestRecord] {
        service.events.recent().compactMap { if case .request(let record) = $0.kind { record } else { nil } }
    }

    /// Every trace step of every request, in order (the steps travel inside the request records).
    func authSteps() -> [AuthStep] {
        requestRecords().flatMap { record in
            record.decision.trace.steps.map { AuthStep(connection: record.connection, request: record.request, step: $0, mode: record.mode) }
        }
    }
}
