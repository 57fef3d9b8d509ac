import Dispatch
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Wakes the configuration watcher when anything changes in the directories that hold its files
/// (Linux inotify: a write closed, a file renamed into place, created, removed, its attributes
/// changed), so an edit is applied at once instead of at the next poll. Where inotify is not
/// available `make` returns nil and the watcher polls.
final class DirectoryChangeNotifier: @unchecked Sendable {
    #if canImport(Glibc)
    private let descriptor: Int32
    private let source: DispatchSourceRead
    private let queue = DispatchQueue(label: "certmap.config.inotify")
    /// Directories watched so far (`watch` is called from the notifier's own queue too).
    private let watched = NIOLockedValueBox<Set<String>>([])

    private init(descriptor: Int32, onChange: @escaping @Sendable () -> Void) {
        self.descriptor = descriptor
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler { [descriptor] in
            // Drain every queued event; what changed is read from the files themselves.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(descriptor, &buffer, buffer.count) > 0 {}
            onChange()
        }
        source.setCancelHandler { [descriptor] in close(descriptor) }
        source.resume()
    }

    /// - Parameter onChange: called on a private queue, once per burst of changes.
    static func make(onChange: @escaping @Sendable () -> Void) -> DirectoryChangeNotifier? {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        return DirectoryChangeNotifier(descriptor: descriptor, onChange: onChange)
    }

    /// Watches `directories` as well (directories already watched are left as they are; one that
    /// cannot be watched is skipped: the watcher's slow poll still sees it).
    func watch(_ directories: Set<String>) {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        watched.withLockedValue { watched in
            for directory in directories.subtracting(watched) where inotify_add_watch(descriptor, directory, mask) >= 0 {
                watched.insert(directory)
            }
        }
    }

    func stop() {
        source.cancel()
    }
    #else
    static func make(onChange: @escaping @Sendable () -> Void) -> DirectoryChangeNotifier? { nil }
    func watch(_ directories: Set<String>) {}
    func stop() {}
    #endif
}
