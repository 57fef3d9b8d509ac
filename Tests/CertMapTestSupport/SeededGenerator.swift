/// SplitMix64: a tiny seedable generator for property tests, so every generated input is
/// reproducible from the seed printed with a failure. Shared by every test target.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// Overwrites, inserts or deletes one byte from `alphabet` at a random place, `edits` times:
    /// the small typos and bit rot the parsers' property tests feed them.
    public mutating func randomlyEdit(_ edits: ClosedRange<Int>, from alphabet: [UInt8], using generator: inout SeededGenerator) {
        for _ in 0..<Int.random(in: edits, using: &generator) where !isEmpty {
            let position = Int.random(in: 0..<count, using: &generator)
            let byte = alphabet.randomElement(using: &generator)!
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: self[position] = byte
            case 1: insert(byte, at: position)
            default: remove(at: position)
            }
        }
    }
}
