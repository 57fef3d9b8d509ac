import CertMapCore
import CertMapJournal
import Foundation

/// Everything the console shows, as one value: views render it, `reduce` changes it.
///
/// No I/O, no clock, no terminal: time comes in with `.tick` and events, keys with `.key`, the
/// size with `.resize`, so any screen can be reproduced exactly in a test.
public struct ConsoleState: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var screen: Screen = .live
    public var detail: RequestDetail?
    public var isHelpVisible = false
    /// First line of the help overlay shown (it scrolls with j/k when the window is short).
    public var helpScroll = 0
    public var prompt: Prompt?
    public var confirmation: Confirmation?
    /// A save waiting for the operator to choose merge, keep mine or take theirs.
    public var saveConflict: SaveConflict?
    /// The open mode chooser (`m`), if any.
    public var modeChooser: ModeChooser?
    public var message: StatusMessage?

    public var flows: FlowList
    public var connections: ConnectionTable
    public var events: EventLog
    public var counters = TrafficCounters()

    public var flowCursor = ListCursor()
    public var connectionCursor = ListCursor()
    public var eventCursor = ListCursor()
    /// The Events screen shows the selected event whole (enter) instead of the list.
    public var isEventDetailOpen = false

    /// The filter's text as typed (empty: no filter); the parsed tree is `flows.filter`.
    public var filterText = ""
    /// The last search (a filter expression), for `n`/`N`.
    public var search: FilterExpression?
    public var searchText = ""

    /// The authentication persistence mode in force, as the host reported it.
    public var mode: String
    /// The modes the chooser (`m`) lists, in order.
    public var modes: [String]
    public var trafficPaused = false
    /// The servers the console is attached to, by name (`certmap --attach A --attach B`); with
    /// more than one, Live shows an instance column and `~inst` filters by it. Edits and mode
    /// switches go to the first.
    public var instances: [String] = []
    public var droppedEvents: UInt64 = 0
    /// The mappings in force, once the host has sent them.
    public var configuration: ConfigDocument?
    /// The mappings being edited on screen 3 (created when the configuration arrives).
    public var draft: MappingDraft?
    public var mappingCursor = ListCursor(follow: false)
    /// The open editor form, if any (it takes keys before anything but a confirmation).
    public var mappingForm: MappingForm?
    /// The last dry run of the draft against recent requests.
    public var dryRun: MappingDryRun?
    /// Saved sessions, as the host last listed them (nil until screen 4 asked).
    public var sessions: [SessionSummary]?
    public var sessionCursor = ListCursor(follow: false)
    /// The last replay (of a session, or of one request with `r` on Live).
    public var replay: SessionReplay?
    /// The last replay while it is still running (paused counts), nil once it ended.
    public var runningReplay: SessionReplay? { replay?.playback.isActive == true ? replay : nil }
    /// The pace the next replay starts at (`>` on the Sessions screen when none runs).
    public var replaySpeed: ReplaySpeed = .max

    public var now: Date
    public var glyphs: GlyphSet
    /// The zone times are shown in (the local zone in the app, UTC in snapshot tests).
    public var timeZone: TimeZone
    public var keymap: Keymap
    /// How long status messages stay.
    public var messageDuration: TimeInterval = 5

    public init(
        width: Int = 80, height: Int = 24, mode: String = "per-request",
        modes: [String] = ["per-request", "legacy-iis4", "per-connection"], now: Date = Date(timeIntervalSince1970: 0),
        glyphs: GlyphSet = .unicode, timeZone: TimeZone = .current, keymap: Keymap = .standard,
        flowCapacity: Int = 10_000, tracedFlowCapacity: Int = 1_000, connectionCapacity: Int = 2_000, eventCapacity: Int = 1_000
    ) {
        self.width = width
        self.height = height
        self.mode = mode
        self.modes = modes
        self.now = now
        self.glyphs = glyphs
        self.timeZone = timeZone
        self.keymap = keymap
        self.flows = FlowList(capacity: flowCapacity, tracedCapacity: tracedFlowCapacity)
        self.connections = ConnectionTable(capacity: connectionCapacity)
        self.events = EventLog(capacity: eventCapacity)
    }

    /// The keymap context keys are looked up in.
    public var keyContext: KeyContext { detail == nil ? screen.keyContext : .detail }

    /// Rows a list can show at the current size.
    public var pageHeight: Int { ScreenLayout.contentHeight(forHeight: height) }

    /// The flow under the cursor on Live, if any.
    public var selectedFlow: FlowRow? {
        guard flows.visibleCount > 0 else { return nil }
        return flows.visibleRow(min(flowCursor.selected, flows.visibleCount - 1))
    }

    /// The event under the cursor on the Events screen, if any (filter applied).
    public var selectedEvent: EventLine? {
        guard !events.visible.isEmpty else { return nil }
        return events.visible[min(eventCursor.selected, events.visible.count - 1)]
    }

    /// The request the open detail shows, while it is still in memory.
    public var detailFlow: FlowRow? {
        detail.flatMap { flows.row(traceID: $0.traceID) }
    }

}
