/// Accounts and resource rules: the authorization half of a decision.
///
/// Resources are matched by longest path prefix; when none matches, `Resource.implicitRoot`
/// applies (certificate required, any mapped account), so a missing rule never opens a path.
public struct AccessPolicy: Sendable {
    public let accounts: [String: Account]
    /// Sorted longest prefix first.
    public let resources: [Resource]

    public init(accounts: [Account], resources: [Resource]) {
        self.accounts = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.resources = resources.sorted { $0.pathPrefix.count > $1.pathPrefix.count }
    }

    /// The resource rule that governs `path`.
    public func resource(for path: String) -> Resource {
        resources.first { $0.covers(path) } ?? .implicitRoot
    }

    /// Checks a mapped account against the resource and says why, for the trace; a refusal comes
    /// with its facts (the refused account, and for 401.3 what the resource requires), so every
    /// caller — a fresh mapping or a persisted identity — records the same specifics.
    func authorize(_ accountName: String, on resource: Resource) -> (reason: DecisionReason, step: TraceStep, facts: DecisionFacts?) {
        let refused = DecisionFacts(refusedAccount: accountName)
        guard let account = accounts[accountName] else {
            return (.accountUnknown, TraceStep(stage: .authorize, outcome: .failed, message: .accountUnknown(account: accountName)), refused)
        }
        guard account.isEnabled else {
            return (.accountDisabled, TraceStep(stage: .authorize, outcome: .failed, message: .accountDisabled(account: accountName)), refused)
        }
        if resource.allowAccounts.isEmpty && resource.allowGroups.isEmpty {
            return (.allowed, TraceStep(stage: .authorize, outcome: .passed, message: .anyMappedAccount(prefix: resource.pathPrefix, account: accountName)), nil)
        }
        if resource.allowAccounts.contains(accountName) {
            return (.allowed, TraceStep(stage: .authorize, outcome: .passed, message: .accountListed(prefix: resource.pathPrefix, account: accountName)), nil)
        }
        if let group = account.groups.first(where: resource.allowGroups.contains) {
            return (.allowed, TraceStep(stage: .authorize, outcome: .passed, message: .groupListed(prefix: resource.pathPrefix, group: group, account: accountName)), nil)
        }
        let requirement = ResourceRequirement(
            prefix: resource.pathPrefix, allowAccounts: resource.allowAccounts, allowGroups: resource.allowGroups, accountGroups: account.groups)
        var facts = refused
        facts.resourceRequirement = requirement
        return (
            .resourceNotAllowed,
            TraceStep(stage: .authorize, outcome: .failed, summary: "\(resource.pathPrefix) allows only \(requirement.allowed); \(accountName) has \(requirement.groups)"),
            facts
        )
    }
}
