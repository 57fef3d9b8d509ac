import Foundation

/// The line editor at the bottom of the screen, for `/` search and `f` filter.
public struct Prompt: Hashable, Sendable {
    /// What the typed text is for (search, filter, a session or scenario name), which decides the
    /// label shown and what Enter does with it.
    public enum Purpose: Hashable, Sendable {
        case search
        case filter
        /// The name to save the Live requests (as filtered) under, as a session.
        case sessionName
        /// The scenario to start.
        case scenarioName
        /// Words the Events screen's lines must contain.
        case eventFilter

        public var label: String {
            switch self {
            case .search: return "search"
            case .filter: return "filter"
            case .sessionName: return "save the Live requests (as filtered) as session"
            case .scenarioName: return "scenario (q190009, pooled-proxy, header-spoofing, expired-and-revoked, mixed-load)"
            case .eventFilter: return "filter events (words: security spoof, conn#3, 127.0.0.2)"
            }
        }
    }

    public var purpose: Purpose
    public var text: String
    /// What was wrong with the last attempt (a filter parse error, a bad name), shown inline
    /// until the text changes.
    public var error: String?

    public init(purpose: Purpose, text: String = "", error: String? = nil) {
        self.purpose = purpose
        self.text = text
        self.error = error
    }
}

/// A yes/no question: what to do on `y`. Only `y` or `Y` confirms; every other key — Enter and
/// Esc included — cancels, so a stray key never quits, deletes or discards.
public struct Confirmation: Hashable, Sendable {
    /// What `y` does: the one operation the question asked about, carried along so confirming
    /// performs exactly that.
    public enum Action: Hashable, Sendable {
        case quit
        case saveMappings
        case deleteMapping(MappingReference)
        case deleteSession(String)
        /// Drop the unsaved mapping edits and go back to Live.
        case discardEdits
    }

    public var question: String
    public var action: Action

    /// The question as shown, with the default (no) in capitals.
    public var text: String { question + " [y/N]" }

    public init(question: String, action: Action) {
        self.question = question
        self.action = action
    }
}

/// A message in the bottom line that goes away by itself.
public struct StatusMessage: Hashable, Sendable {
    /// How much the message matters, which decides how the bottom line shows it.
    public enum Severity: Hashable, Sendable {
        case info, warning, error
    }

    public var text: String
    public var severity: Severity
    public var expires: Date

    public init(text: String, severity: Severity = .info, expires: Date) {
        self.text = text
        self.severity = severity
        self.expires = expires
    }
}
