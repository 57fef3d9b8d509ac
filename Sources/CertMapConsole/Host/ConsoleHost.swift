import CertMapJournal
import Foundation

/// The console's run loop: terminal input, bus events and the driver's answers go through the
/// reducer; frames go to the backend, at most 30 a second.
///
/// It runs on one thread (ncurses is not thread-safe) and never blocks the server: events reach
/// it through the bus subscription and a bounded `ConsoleInbox`, and requests (switch mode,
/// pause traffic) run on the driver in tasks whose answers come back through the inbox.
public final class ConsoleHost {
    /// Why `run` returned.
    public enum Exit: Hashable, Sendable {
        /// The operator quit (`q` + `y`, or `Q`).
        case quit
        /// `ConsoleInbox.requestStop` was called (a signal, the application stopping).
        case stopped(String)
    }

    public private(set) var state: ConsoleState
    public let inbox: ConsoleInbox
    private let backend: TerminalBackend
    private let driver: ConsoleDriver
    private let clock: () -> Date
    private var pacer = FramePacer()
    private var reportedDrops: UInt64 = 0
    /// Told how long each turn that did work took (`certmap bench console`); nil costs nothing.
    public var onTurn: ((ConsoleTurn) -> Void)?

    public init(state: ConsoleState, backend: TerminalBackend, driver: ConsoleDriver, inbox: ConsoleInbox = ConsoleInbox(), clock: @escaping () -> Date = Date.init) {
        self.state = state
        self.backend = backend
        self.driver = driver
        self.inbox = inbox
        self.clock = clock
    }

    /// The events the console subscribes to: not the per-step ones, whose content every request's
    /// record carries again in its trace.
    @Sendable public static func wantsEvent(_ kind: CertMapEvent.Kind) -> Bool {
        if case .authStep = kind { return false }
        return true
    }

    /// Runs until the operator quits or a stop is requested, blocking the calling thread, then
    /// returns (the caller restores the terminal with `backend.shutdown()`).
    public func run(events subscription: EventSubscription?) -> Exit {
        let inbox = self.inbox
        let pump = subscription.map { subscription in
            Task.detached {
                for await event in subscription.events { inbox.post(event: event) }
            }
        }
        defer { pump?.cancel() }

        let size = backend.size
        ConsoleReducer.apply(.resize(width: size.width, height: size.height), to: &state)
        ConsoleReducer.apply(.tick(clock()), to: &state)
        var dirty = true
        while true {
            if let reason = inbox.stopRequest { return .stopped(reason) }
            let turnStarted = clock()
            var requests: [ConsoleRequest] = []

            let measuring = onTurn != nil
            let workStarted = measuring ? ContinuousClock.now : nil
            let input = backend.nextInput()
            if let input {
                requests += ConsoleReducer.apply(input.action, to: &state)
                dirty = true
            }
            let actions = inbox.drain()
            for action in actions {
                requests += ConsoleReducer.apply(action, to: &state)
            }
            dirty = dirty || !actions.isEmpty
            dirty = updateDrops(subscription) || dirty

            let now = clock()
            if pacer.takeTick(at: now) {
                ConsoleReducer.apply(.tick(now), to: &state)
                dirty = true
            }
            if requests.contains(.quit) { return .quit }
            for request in requests { dispatch(request) }

            let reduced = measuring ? ContinuousClock.now : nil
            var drew = false
            if dirty && pacer.mayDraw(at: now) {
                backend.draw(ConsoleView.render(state))
                pacer.drew(at: now)
                dirty = false
                drew = true
            }
            if let onTurn, let workStarted, let reduced, drew || !actions.isEmpty {
                onTurn(ConsoleTurn(actions: actions.count, reduce: reduced - workStarted, frame: drew ? ContinuousClock.now - reduced : nil))
            }
            // A backend that does not wait for input (tests) must not make this a busy loop.
            if input == nil && actions.isEmpty && clock().timeIntervalSince(turnStarted) < 0.002 {
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }

    private func dispatch(_ request: ConsoleRequest) {
        let driver = self.driver
        let inbox = self.inbox
        Task.detached {
            inbox.post(await driver.perform(request) { inbox.post($0) })
        }
    }

    /// Sends the drop count (the bus's for this subscriber plus the inbox's) when it changed.
    private func updateDrops(_ subscription: EventSubscription?) -> Bool {
        let drops = (subscription?.dropped ?? 0) + inbox.droppedCount
        guard drops != reportedDrops else { return false }
        reportedDrops = drops
        ConsoleReducer.apply(.droppedEvents(drops), to: &state)
        return true
    }
}
