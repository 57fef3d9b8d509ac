import CertMapCore
import CertMapJournal
import Foundation
import NIOConcurrencyHelpers

/// Keeps a running server on the configuration file, whoever writes it: `certmap mappings add`
/// from another shell, an import, a second console, an editor. The file's identity (inode, size,
/// modification time) is checked whenever its directory or a trust file's changes (inotify) and
/// every few seconds besides (file systems that send no notifications), so atomic renames are
/// seen like in-place writes; `reload(reason:)` checks at once (SIGHUP).
///
/// A file that loads and differs from the configuration in force becomes the next generation,
/// with a system event listing what changed; one that does not load is refused with its one-line
/// error (once per version of the file) while the last good generation keeps serving. A file
/// equal to the configuration in force (the console's own save) changes nothing.
public final class ConfigFileWatcher: Sendable {
    private let service: AuthenticationService
    private let store: ConfigStore
    private let onApplied: @Sendable (ConfigSnapshot) -> Void
    private let state: NIOLockedValueBox<State>

    private struct State {
        var seen: FileStamp?
        /// The trust files of the configuration in force (CA bundle, CRLs, server certificate
        /// and key, forwarder CA files), as last seen.
        var trustFiles: [String: FileStamp?] = [:]
        var task: Task<Void, Never>?
        var notifier: DirectoryChangeNotifier?
    }

    /// What identifies one version of the file without reading it.
    struct FileStamp: Equatable {
        let inode: UInt64
        let size: Int64
        let seconds: Int
        let nanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
        }
    }

    /// - Parameter onApplied: called with each generation a reload applied (the console uses it
    ///   to rebase its mapping editor).
    public init(service: AuthenticationService, onApplied: @escaping @Sendable (ConfigSnapshot) -> Void = { _ in }) {
        self.service = service
        self.store = ConfigStore(home: service.home)
        self.onApplied = onApplied
        self.state = NIOLockedValueBox(State(seen: FileStamp(path: service.home.configFile.path)))
        state.withLockedValue { $0.trustFiles = trustStamps() }
    }

    /// Stamps of the trust files the configuration in force names.
    private func trustStamps() -> [String: FileStamp?] {
        let files = TrustMaterial.files(of: service.configuration.current.document, home: service.home)
        return Dictionary(files.map { ($0.path, FileStamp(path: $0.path)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reloads the trust files when one of them changed since last seen (a CA bundle replaced,
    /// a new CRL, a renewed server certificate), whether or not config.json changed.
    /// - Parameter generation: the generation before this check; a generation applied by the check
    ///   itself has just loaded every trust file.
    private func checkTrustFiles(since generation: UInt64) {
        let now = trustStamps()
        let justApplied = service.configuration.current.generation != generation
        let changed = state.withLockedValue { state -> [String] in
            defer { state.trustFiles = now }
            if justApplied { return [] }
            return now.filter { path, stamp in state.trustFiles[path].map { $0 != stamp } ?? false }.keys.sorted()
        }
        guard !changed.isEmpty else { return }
        let names = changed.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        if let snapshot = service.reloadTrust(reason: "\(names) changed on disk") { onApplied(snapshot) }
    }

    /// Starts checking on every change notification, and every `interval` besides (every
    /// `fallbackInterval` where the system sends no notifications), until `stop()`.
    public func start(interval: Duration = .seconds(5), fallbackInterval: Duration = .milliseconds(250)) {
        let notifier = DirectoryChangeNotifier.make { [weak self] in self?.check(reason: nil) }
        let interval = notifier == nil ? fallbackInterval : interval
        state.withLockedValue { $0.notifier = notifier }
        watchDirectories()
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                check(reason: nil)
            }
        }
        state.withLockedValue { $0.task = task }
    }

    public func stop() {
        let (task, notifier) = state.withLockedValue { ($0.task, $0.notifier) }
        task?.cancel()
        notifier?.stop()
    }

    /// Asks for notifications from the directories of config.json and of the trust files the
    /// configuration in force names (again after every check: an edit may name new files).
    private func watchDirectories() {
        guard let notifier = state.withLockedValue({ $0.notifier }) else { return }
        let files = [store.file] + TrustMaterial.files(of: service.configuration.current.document, home: service.home)
        notifier.watch(Set(files.map { $0.deletingLastPathComponent().path }))
    }

    /// Reads the file now, changed or not (`reason` says why, e.g. "SIGHUP").
    public func reload(reason: String) {
        check(reason: reason)
    }

    private func check(reason: String?) {
        service.edits.withLock { checkLocked(reason: reason) }
    }

    private func checkLocked(reason: String?) {
        let generation = service.configuration.current.generation
        defer {
            checkTrustFiles(since: generation)
            watchDirectories()
        }
        let stamp = FileStamp(path: store.file.path)
        let changed = state.withLockedValue { state -> Bool in
            defer { state.seen = stamp }
            return state.seen != stamp
        }
        guard changed || reason != nil, stamp != nil else { return }
        let why = reason.map { " (\($0))" } ?? ""
        let current = service.configuration.current
        let document: ConfigDocument
        do {
            document = try store.load()
        } catch {
            refuse(error, why: why, keeping: current.generation)
            return
        }
        guard document != current.document else {
            if reason != nil { service.events.publish(.system(SystemEvent("config.json reloaded\(why): unchanged, generation \(current.generation) stays"))) }
            return
        }
        do {
            let snapshot = try service.apply(document, source: "config.json changed on disk\(why)", changes: ConfigMerge.changes(from: current.document, to: document))
            onApplied(snapshot)
        } catch {
            refuse(error, why: why, keeping: current.generation)
        }
    }

    /// One line, however many problems the file has.
    private func refuse(_ error: Error, why: String, keeping generation: UInt64) {
        let problems = "\(error)".split(separator: "\n").joined(separator: "; ")
        service.events.publish(.system(SystemEvent("warning: config.json changed\(why) but was not applied: \(problems); generation \(generation) keeps serving")))
    }
}
