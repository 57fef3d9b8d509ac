/// The size of a terminal, in cells.
public struct TerminalSize: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// What the terminal tells the console.
public enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resize(TerminalSize)

    /// The reducer action for this input.
    public var action: ConsoleAction {
        switch self {
        case .key(let key): return .key(key)
        case .resize(let size): return .resize(width: size.width, height: size.height)
        }
    }
}

/// Where frames go and keys come from (ratatui's `Backend`): ncurses in the app, a recording
/// buffer in tests. Views never see it; they render into a `ScreenBuffer`.
public protocol TerminalBackend: AnyObject {
    var size: TerminalSize { get }
    /// Shows a frame (backends may send only what changed since the last one).
    func draw(_ buffer: ScreenBuffer)
    /// The next input, waiting at most the backend's input timeout; nil when there was none.
    func nextInput() -> TerminalInput?
    /// Gives the terminal back as it was. Safe to call more than once.
    func shutdown()
}

/// A backend for tests: records every frame, plays back scripted input, needs no terminal.
public final class BufferBackend: TerminalBackend {
    public var size: TerminalSize
    public private(set) var frames: [ScreenBuffer] = []
    public var pendingInput: [TerminalInput]
    public private(set) var isShutDown = false
    /// Frames drawn since start (all of them, even when only the last is kept).
    public private(set) var framesDrawn = 0
    private let keepsEveryFrame: Bool

    /// - Parameter keepsEveryFrame: false keeps only the last frame (long benchmark runs).
    public init(width: Int, height: Int, input: [TerminalInput] = [], keepsEveryFrame: Bool = true) {
        self.size = TerminalSize(width: width, height: height)
        self.pendingInput = input
        self.keepsEveryFrame = keepsEveryFrame
    }

    public var lastFrame: ScreenBuffer? { frames.last }

    public func draw(_ buffer: ScreenBuffer) {
        framesDrawn += 1
        if !keepsEveryFrame { frames.removeAll(keepingCapacity: true) }
        frames.append(buffer)
    }

    public func nextInput() -> TerminalInput? {
        pendingInput.isEmpty ? nil : pendingInput.removeFirst()
    }

    /// Simulates the user resizing the window: the size changes and a resize input is queued.
    public func resize(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        pendingInput.append(.resize(size))
    }

    public func shutdown() {
        isShutDown = true
    }
}
