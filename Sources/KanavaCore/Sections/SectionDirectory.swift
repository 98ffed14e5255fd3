import Foundation

/// What other features need to know about a channel's section: that it exists, who may see it, who may
/// edit it. Documents and memos are pinned to sections and follow these rules.
public struct SectionInfo: Codable, Sendable, Hashable {
    /// Stable identity from the template (`contracts`) or `custom-N` for a director's own sections.
    public var key: String
    public var number: Int
    public var title: String
    /// Roles that may see the section; nil: every member.
    public var restrictedTo: Set<ChannelRole>?
    /// Roles that may edit it (besides admins).
    public var editableBy: Set<ChannelRole>

    public init(key: String, number: Int, title: String, restrictedTo: Set<ChannelRole>?, editableBy: Set<ChannelRole>) {
        self.key = key
        self.number = number
        self.title = title
        self.restrictedTo = restrictedTo
        self.editableBy = editableBy
    }

    /// Whether someone with `access` may see the section (and what is pinned to it).
    public func isVisible(to access: ChannelAccess) -> Bool { access.canSee(restrictedTo: restrictedTo) }

    /// Whether someone with `access` may change the section (and what is pinned to it).
    public func isEditable(by access: ChannelAccess) -> Bool {
        access.isAdmin || (isVisible(to: access) && access.role.map(editableBy.contains) == true)
    }
}

/// Looks up a channel's sections; implemented by the sections feature.
public protocol SectionDirectory: Sendable {
    func section(_ key: String, in account: AccountID) async throws -> SectionInfo?
}
