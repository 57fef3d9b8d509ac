/// Answers already computed for keys whose answer never changes while the memo lives (a
/// configuration generation), shared between threads. Bounded: past `capacity` keys, new answers
/// are not kept (and computed again when asked), so a flood of distinct keys cannot grow it.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let capacity: Int
    private let answers = LockedState<[Key: Value]>([:])

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The answer kept for `key`, if any.
    public func value(for key: Key) -> Value? {
        answers.withLock { $0[key] }
    }

    /// Keeps `value` for `key` unless the memo is full.
    public func keep(_ value: Value, for key: Key) {
        answers.withLock { answers in
            if answers.count < capacity { answers[key] = value }
        }
    }

    /// The answer for `key`: the kept one, else `compute`'s, kept for next time.
    public func value(for key: Key, compute: () -> Value) -> Value {
        if let known = value(for: key) { return known }
        let computed = compute()
        keep(computed, for: key)
        return computed
    }
}
