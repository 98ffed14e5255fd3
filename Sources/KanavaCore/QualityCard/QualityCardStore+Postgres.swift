import Foundation
import PostgresNIO

/// Quality cards on PostgreSQL. A save or a submit first locks the account's channel row (the row its event's append
/// locks anyway), so two nodes' writes of one card check the newest version one after the other, as on SQLite.
extension PostgresStore: QualityCardStore {
    public func qualityCardVersions(in account: AccountID, month: CardMonth) async throws -> [QualityCardVersion] {
        try await read("qualityCardVersions") { db in try await Self.fetchCardVersions(db, account, month) }
    }

    public func saveQualityCard(_ draft: QualityCardDraft, at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> {
        try await write("saveQualityCard") { db in
            guard try await db.lockChannel(draft.account) else { throw KanavaError.notFound("channel \(draft.account)") }
            let newest = try await db.row("""
                SELECT version, submitted_at IS NOT NULL AS submitted FROM quality_card
                WHERE account_id = \(draft.account.rawValue) AND month = \(draft.month.description) ORDER BY version DESC LIMIT 1
                """)
            let newestVersion = try newest.map { try $0["version"] as Int } ?? 0
            guard newestVersion == draft.basedOn else { throw QualityCardStoreRules.changedMeanwhile(draft.month, newest: newestVersion) }
            let content = draft.content
            let entered = content.entered
            let version: Int
            if let newest, !(try newest["submitted"] as Bool) {
                version = newestVersion
                try await db.execute("""
                    UPDATE quality_card SET status = \(content.status?.rawValue), summary = \(content.summary), asks = \(content.asks),
                        customer_satisfaction = \(entered.customerSatisfaction), audit_score = \(entered.auditScore),
                        open_complaints = \(entered.openComplaints), monthly_billing_cents = \(entered.monthlyBillingCents),
                        updated_by = \(draft.author?.rawValue), updated_at = \(time)
                    WHERE account_id = \(draft.account.rawValue) AND month = \(draft.month.description) AND version = \(version)
                    """)
            } else {
                version = newestVersion + 1
                try await db.execute("""
                    INSERT INTO quality_card (status, summary, asks, customer_satisfaction, audit_score, open_complaints, monthly_billing_cents,
                        created_by, created_at, updated_by, updated_at, account_id, month, version)
                    VALUES (\(content.status?.rawValue), \(content.summary), \(content.asks), \(entered.customerSatisfaction), \(entered.auditScore),
                            \(entered.openComplaints), \(entered.monthlyBillingCents), \(draft.author?.rawValue), \(time), \(draft.author?.rawValue),
                            \(time), \(draft.account.rawValue), \(draft.month.description), \(version))
                    """)
            }
            let stored = try await Self.fetchCardVersion(db, draft.account, draft.month, version)
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func submitQualityCard(_ version: Int, of account: AccountID, month: CardMonth, figures: QualityFigures, by person: PersonID?,
                                  at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> {
        let json = try QualityCardStoreRules.encodeFigures(figures)
        return try await write("submitQualityCard") { db in
            try await db.lockChannel(account)
            guard let row = try await db.row("""
                SELECT q.status, q.submitted_at, p.name AS submitter FROM quality_card q LEFT JOIN person p ON p.id = q.submitted_by
                WHERE q.account_id = \(account.rawValue) AND q.month = \(month.description) AND q.version = \(version)
                """)
            else { throw KanavaError.notFound("version \(version) of the \(month) card") }
            if let submittedAt: Date = try row["submitted_at"] {
                throw QualityCardStoreRules.alreadySubmitted(version, of: month, by: try row["submitter"], at: submittedAt)
            }
            guard (try row["status"] as String?) != nil else { throw QualityCardStoreRules.statusRequired }
            try await db.execute("""
                UPDATE quality_card SET figures = \(json), submitted_by = \(person?.rawValue), submitted_at = \(time)
                WHERE account_id = \(account.rawValue) AND month = \(month.description) AND version = \(version)
                """)
            let stored = try await Self.fetchCardVersion(db, account, month, version)
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func submittedQualityCards(from first: CardMonth, through last: CardMonth) async throws -> [QualityCardVersion] {
        try await read("submittedQualityCards") { db in
            try await db.rows("""
                \(unescaped: Self.cardSelect)
                WHERE q.submitted_at IS NOT NULL AND q.month >= \(first.description) COLLATE "C" AND q.month <= \(last.description) COLLATE "C"
                  AND q.version = (SELECT MAX(x.version) FROM quality_card x
                                   WHERE x.account_id = q.account_id AND x.month = q.month AND x.submitted_at IS NOT NULL)
                ORDER BY q.account_id COLLATE "C", q.month COLLATE "C"
                """).map { try Self.cardVersion($0, state: .submitted) }
        }
    }

    // MARK: - Sources of the figures

    public func membershipSteps(in account: AccountID, through instant: Date) async throws -> [MembershipStep] {
        try await read("membershipSteps") { db in
            let kinds = QualityCardStoreRules.stepKinds.keys.map(\.rawValue)
            var steps: [MembershipStep] = []
            for row in try await db.rows("""
                SELECT kind, payload, created_at FROM channel_event
                WHERE account_id = \(account.rawValue) AND kind = ANY(\(kinds)) AND created_at <= \(instant) ORDER BY seq
                """) {
                let payload: String = try row["payload"]
                if let step = try QualityCardStoreRules.step(kind: EventKind(rawValue: try row["kind"]), payload: Data(payload.utf8),
                                                             at: try row["created_at"]) {
                    steps.append(step)
                }
            }
            return steps
        }
    }

    public func urgentNotices(in account: AccountID, sentFrom start: Date, until end: Date) async throws -> [UrgentNoticeReceipts] {
        try await read("urgentNotices") { db in
            var notices = try await db.rows("""
                SELECT id, author_id, created_at, expires_at, withdrawn_at FROM notice
                WHERE account_id = \(account.rawValue) AND priority = 'urgent' AND created_at >= \(start) AND created_at < \(end) ORDER BY id
                """).map { row in
                UrgentNoticeReceipts(notice: NoticeID(try row["id"]), author: (try row["author_id"] as Int64?).map { PersonID($0) },
                                     sentAt: try row["created_at"], expiresAt: try row["expires_at"], withdrawnAt: try row["withdrawn_at"],
                                     acknowledgements: [:])
            }
            let index = Dictionary(uniqueKeysWithValues: notices.enumerated().map { ($0.element.notice, $0.offset) })
            for row in try await db.rows("""
                SELECT notice_id, person_id, acknowledged_at FROM notice_ack WHERE notice_id = ANY(\(notices.map(\.notice.rawValue)))
                """) {
                guard let at = index[NoticeID(try row["notice_id"])] else { continue }
                notices[at].acknowledgements[PersonID(try row["person_id"])] = try row["acknowledged_at"]
            }
            return notices
        }
    }

    public func openMustReadCount(in account: AccountID) async throws -> Int {
        try await read("openMustReadCount") { db in
            // A restricted section (restricted_to: roles, comma-separated) is owed only by the roles that may see it.
            try await db.value("""
                SELECT COUNT(*) FROM section s
                JOIN membership m ON m.account_id = s.account_id
                LEFT JOIN must_read_confirmation c ON c.account_id = s.account_id AND c.key = s.key AND c.person_id = m.person_id
                WHERE s.account_id = \(account.rawValue) AND s.must_read AND s.in_use AND s.revision > 0
                  AND (c.revision IS NULL OR c.revision < s.revision)
                  AND (s.restricted_to IS NULL OR m.role = ANY(string_to_array(s.restricted_to, ',')))
                """, as: Int.self) ?? 0
        }
    }

    // MARK: - Rows


    private static let cardSelect = """
        SELECT q.*, c.id AS created_person_id, c.name AS created_name, c.email AS created_email,
               u.id AS updated_person_id, u.name AS updated_name, u.email AS updated_email,
               s.id AS submitted_person_id, s.name AS submitted_name, s.email AS submitted_email
        FROM quality_card q
        LEFT JOIN person c ON c.id = q.created_by
        LEFT JOIN person u ON u.id = q.updated_by
        LEFT JOIN person s ON s.id = q.submitted_by
        """

    /// Every version, oldest first, with their states: the newest submitted one is in force, earlier ones superseded.
    private static func fetchCardVersions(_ db: PostgresDB, _ account: AccountID, _ month: CardMonth) async throws -> [QualityCardVersion] {
        let rows = try await db.rows("""
            \(unescaped: cardSelect) WHERE q.account_id = \(account.rawValue) AND q.month = \(month.description) ORDER BY q.version
            """)
        return QualityCardStoreRules.stated(try rows.map { try cardVersion($0, state: .draft) })
    }

    private static func fetchCardVersion(_ db: PostgresDB, _ account: AccountID, _ month: CardMonth, _ version: Int) async throws -> QualityCardVersion {
        guard let stored = try await fetchCardVersions(db, account, month).first(where: { $0.version == version }) else {
            throw KanavaError(.internal, "version \(version) of the \(month) card was not stored")
        }
        return stored
    }

    private static func cardVersion(_ row: PGRow, state: CardState) throws -> QualityCardVersion {
        let status: String? = try row["status"]
        let content = QualityCardContent(
            status: status.flatMap(CardStatus.init(rawValue:)), summary: try row["summary"], asks: try row["asks"],
            entered: EnteredFigures(customerSatisfaction: try row["customer_satisfaction"], auditScore: try row["audit_score"],
                                    openComplaints: try row["open_complaints"], monthlyBillingCents: try row["monthly_billing_cents"]))
        return QualityCardVersion(
            account: AccountID(stored: try row["account_id"]), month: CardMonth(try row["month"]) ?? CardMonth(year: CardMonth.firstYear, month: 1)!,
            version: try row["version"], state: state, content: content,
            figures: try QualityCardStoreRules.decodeFigures(try row["figures"]),
            createdBy: try person(row, prefix: "created_"), createdAt: try row["created_at"],
            updatedBy: try person(row, prefix: "updated_"), updatedAt: try row["updated_at"],
            submittedBy: try person(row, prefix: "submitted_"), submittedAt: try row["submitted_at"])
    }

    /// A person joined into a row as `<prefix>person_id`, `<prefix>name`, `<prefix>email`; nil when the join found nobody.
    private static func person(_ row: PGRow, prefix: String) throws -> PersonRef? {
        guard let id: Int64 = try row[prefix + "person_id"] else { return nil }
        return PersonRef(id: PersonID(id), name: try row[prefix + "name"], email: try row[prefix + "email"])
    }
}
