import Foundation

/// Everything the services need from storage. SQLite (``SQLiteStore``) is the embedded default; a
/// PostgreSQL implementation can stand beside it, because services and routes see only these protocols.
///
/// Each mutating method is one transaction that also appends the events describing the change, so the
/// data and the channel's event stream can never disagree.
public protocol KanavaStore: PersonStore, SessionStore, AccountStore, EventLogStore, RosterStore, DocumentStore, MemoStore, SectionStore,
    ChatStore, NoticeStore, SearchStore, MailOutboxStore, AnnualClockStore, BotStore, WebhookStore, CalendarFeedStore,
    PlannerStore, FeedbackStore, QualityCardStore, AuditStore, ExportStore, PrivacyStore, LeaseStore {
    /// Touches the database (readiness checks).
    func ping() async throws
    /// Releases the connections; the store cannot be used afterwards.
    func close() async
}
