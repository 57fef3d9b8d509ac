/// Selection and scroll position of a list, with follow mode (keep the newest row selected, like
/// mitmproxy's `F` and `tail -f`).
public struct ListCursor: Hashable, Sendable {
    public var selected: Int
    public var top: Int
    public var follow: Bool

    public init(selected: Int = 0, top: Int = 0, follow: Bool = true) {
        self.selected = selected
        self.top = top
        self.follow = follow
    }

    /// Moves the selection by `delta` rows; leaves follow mode unless it lands on the last row
    /// while moving down.
    public mutating func move(by delta: Int, count: Int, page: Int) {
        guard count > 0 else { return reset() }
        selected = min(max(0, selected + delta), count - 1)
        follow = delta > 0 && selected == count - 1 && follow
        if delta < 0 { follow = false }
        scrollToSelection(page: page)
    }

    /// Selects a row; selecting the last row turns follow on.
    public mutating func select(_ index: Int, count: Int, page: Int) {
        guard count > 0 else { return reset() }
        selected = min(max(0, index), count - 1)
        follow = selected == count - 1
        scrollToSelection(page: page)
    }

    /// Re-clamps after the list changed: new rows (followed when following), rows dropped from
    /// the front (`removedBefore`), or a new page height.
    public mutating func update(count: Int, page: Int, removedBefore: Int = 0) {
        guard count > 0 else { return reset() }
        selected -= removedBefore
        top -= removedBefore
        if follow { selected = count - 1 }
        selected = min(max(0, selected), count - 1)
        scrollToSelection(page: page)
    }

    /// Keeps the selection on screen with the least scrolling.
    public mutating func scrollToSelection(page: Int) {
        let page = max(1, page)
        if selected < top { top = selected }
        if selected >= top + page { top = selected - page + 1 }
        top = max(0, top)
    }

    private mutating func reset() {
        selected = 0
        top = 0
    }
}
