/// What an operator can tell a running replay, whichever keys they used (the CLI's stdin or the
/// console's Sessions screen).
public enum ReplayInstruction: String, Hashable, Sendable, CaseIterable {
    case step, togglePause, resume, pause, nextSpeed, stop
}

extension ReplayControl {
    public func perform(_ instruction: ReplayInstruction) {
        switch instruction {
        case .step: step()
        case .togglePause: togglePause()
        case .resume: resume()
        case .pause: pause()
        case .nextSpeed: nextSpeed()
        case .stop: stop()
        }
    }
}
