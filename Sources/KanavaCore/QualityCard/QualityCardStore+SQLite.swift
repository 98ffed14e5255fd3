import Foundation
import GRDB

extension SQLiteStore: QualityCardStore {
    public func qualityCardVersions(in account: AccountID, month: CardMonth) async throws -> [QualityCardVersion] {
        try await read("qualityCardVersions") { db in try Self.fetchCardVersions(db, account, month) }
    }

    public func saveQualityCard(_ draft: QualityCardDraft, at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> {
        try await write("saveQualityCard") { db in
            guard try Self.fetchAccount(db, draft.account) != nil else { throw KanavaError.notFound("channel \(draft.account)") }
            let newest = try Row.fetchOne(db, sql: """
                SELECT version, submitted_at IS NOT NULL AS submitted FROM quality_card
                WHERE account_id = ? AND month = ? ORDER BY version DESC LIMIT 1
                """, arguments: [draft.account.rawValue, draft.month.description])
            let newestVersion: Int = newest?["version"] ?? 0
            guard newestVersion == draft.basedOn else {
                throw QualityCardStoreRules.changedMeanwhile(draft.month, newest: newestVersion)
            }
            let content = draft.content
            let fields: StatementArguments = [content.status?.rawValue, content.summary, content.asks, content.entered.customerSatisfaction,
                                              content.entered.auditScore, content.entered.openComplaints, content.entered.monthlyBillingCents]
            let version: Int
            if let newest, !(newest["submitted"] as Bool) {
                version = newestVersion
                try db.execute(sql: """
                    UPDATE quality_card SET status = ?, summary = ?, asks = ?, customer_satisfaction = ?, audit_score = ?,
                        open_complaints = ?, monthly_billing_cents = ?, updated_by = ?, updated_at = ?
                    WHERE account_id = ? AND month = ? AND version = ?
                    """, arguments: fields + [draft.author?.rawValue, time, draft.account.rawValue, draft.month.description, version])
            } else {
                version = newestVersion + 1
                try db.execute(sql: """
                    INSERT INTO quality_card (status, summary, asks, customer_satisfaction, audit_score, open_complaints, monthly_billing_cents,
                        created_by, created_at, updated_by, updated_at, account_id, month, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: fields + [draft.author?.rawValue, time, draft.author?.rawValue, time,
                                              draft.account.rawValue, draft.month.description, version])
            }
            let stored = try Self.fetchCardVersion(db, draft.account, draft.month, version)
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func submitQualityCard(_ version: Int, of account: AccountID, month: CardMonth, figures: QualityFigures, by person: PersonID?,
                                  at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> {
        let json = try QualityCardStoreRules.encodeFigures(figures)
        return try await write("submitQualityCard") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT q.status, q.submitted_at, p.name AS submitter FROM quality_card q LEFT JOIN person p ON p.id = q.submitted_by
                WHERE q.account_id = ? AND q.month = ? AND q.version = ?
                """, arguments: [account.rawValue, month.description, version])
            else { throw KanavaError.notFound("version \(version) of the \(month) card") }
            if let submittedAt: Date = row["submitted_at"] {
                throw QualityCardStoreRules.alreadySubmitted(version, of: month, by: row["submitter"], at: submittedAt)
            }
            guard (row["status"] as String?) != nil else { throw QualityCardStoreRules.statusRequired }
            try db.execute(sql: """
                UPDATE quality_card SET figures = ?, submitted_by = ?, submitted_at = ? WHERE account_id = ? AND month = ? AND version = ?
                """, arguments: [json, person?.rawValue, time, account.rawValue, month.description, version])
            let stored = try Self.fetchCardVersion(db, account, month, version)
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func submittedQualityCards(from first: CardMonth, through last: CardMonth) async throws -> [QualityCardVersion] {
        try await read("submittedQualityCards") { db in
            try Row.fetchAll(db, sql: Self.cardSelect + """
                 WHERE q.submitted_at IS NOT NULL AND q.month >= ? AND q.month <= ?
                   AND q.version = (SELECT MAX(x.version) FROM quality_card x
                                    WHERE x.account_id = q.account_id AND x.month = q.month AND x.submitted_at IS NOT NULL)
                ORDER BY q.account_id, q.month
                """, arguments: [first.description, last.description]).map { try Self.cardVersion($0, state: .submitted) }
        }
    }

    // MARK: - Sources of the figures

    public func membershipSteps(in account: AccountID, through instant: Date) async throws -> [MembershipStep] {
        try await read("membershipSteps") { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT kind, payload, created_at FROM channel_event
                WHERE account_id = ? AND kind IN (?, ?, ?) AND created_at <= ? ORDER BY seq
                """, arguments: [account.rawValue, EventKind.membershipAdded.rawValue, EventKind.membershipChanged.rawValue,
                                 EventKind.membershipRemoved.rawValue, instant])
            var steps: [MembershipStep] = []
            while let row = try rows.next() {
                let payload: String = row["payload"]
                if let step = try QualityCardStoreRules.step(kind: EventKind(rawValue: row["kind"]), payload: Data(payload.utf8), at: row["created_at"]) {
                    steps.append(step)
                }
            }
            return steps
        }
    }

    public func urgentNotices(in account: AccountID, sentFrom start: Date, until end: Date) async throws -> [UrgentNoticeReceipts] {
        try await read("urgentNotices") { db in
            var notices = try Row.fetchAll(db, sql: """
                SELECT id, author_id, created_at, expires_at, withdrawn_at FROM notice
                WHERE account_id = ? AND priority = 'urgent' AND created_at >= ? AND created_at < ? ORDER BY id
                """, arguments: [account.rawValue, start, end]).map { row in
                UrgentNoticeReceipts(notice: NoticeID(row["id"]), author: (row["author_id"] as Int64?).map { PersonID($0) }, sentAt: row["created_at"],
                                     expiresAt: row["expires_at"], withdrawnAt: row["withdrawn_at"], acknowledgements: [:])
            }
            let acks = try db.cachedStatement(sql: "SELECT person_id, acknowledged_at FROM notice_ack WHERE notice_id = ?")
            for index in notices.indices {
                for row in try Row.fetchAll(acks, arguments: [notices[index].notice.rawValue]) {
                    notices[index].acknowledgements[PersonID(row["person_id"])] = row["acknowledged_at"]
                }
            }
            return notices
        }
    }

    public func openMustReadCount(in account: AccountID) async throws -> Int {
        try await read("openMustReadCount") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.restricted_to, m.role FROM section s
                JOIN membership m ON m.account_id = s.account_id
                LEFT JOIN must_read_confirmation c ON c.account_id = s.account_id AND c.key = s.key AND c.person_id = m.person_id
                WHERE s.account_id = ? AND s.must_read AND s.in_use AND s.revision > 0 AND (c.revision IS NULL OR c.revision < s.revision)
                """, arguments: [account.rawValue])
            return rows.count { row in
                // A restricted section is owed only by the roles that may see it.
                StoredRoles.decode(row["restricted_to"]).map { roles in ChannelRole(rawValue: row["role"]).map(roles.contains) ?? false } ?? true
            }
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
    static func fetchCardVersions(_ db: Database, _ account: AccountID, _ month: CardMonth) throws -> [QualityCardVersion] {
        let rows = try Row.fetchAll(db, sql: cardSelect + " WHERE q.account_id = ? AND q.month = ? ORDER BY q.version",
                                    arguments: [account.rawValue, month.description])
        return QualityCardStoreRules.stated(try rows.map { try cardVersion($0, state: .draft) })
    }

    static func fetchCardVersion(_ db: Database, _ account: AccountID, _ month: CardMonth, _ version: Int) throws -> QualityCardVersion {
        guard let stored = try fetchCardVersions(db, account, month).first(where: { $0.version == version }) else {
            throw KanavaError(.internal, "version \(version) of the \(month) card was not stored")
        }
        return stored
    }

    static func cardVersion(_ row: Row, state: CardState) throws -> QualityCardVersion {
        let status: String? = row["status"]
        let content = QualityCardContent(
            status: status.flatMap(CardStatus.init(rawValue:)), summary: row["summary"], asks: row["asks"],
            entered: EnteredFigures(customerSatisfaction: row["customer_satisfaction"], auditScore: row["audit_score"],
                                    openComplaints: row["open_complaints"], monthlyBillingCents: row["monthly_billing_cents"]))
        return QualityCardVersion(
            account: AccountID(stored: row["account_id"]), month: CardMonth(row["month"]) ?? CardMonth(year: CardMonth.firstYear, month: 1)!,
            version: row["version"], state: state, content: content,
            figures: try QualityCardStoreRules.decodeFigures(row["figures"]),
            createdBy: PersonRef(row: row, prefix: "created_"), createdAt: row["created_at"],
            updatedBy: PersonRef(row: row, prefix: "updated_"), updatedAt: row["updated_at"],
            submittedBy: PersonRef(row: row, prefix: "submitted_"), submittedAt: row["submitted_at"])
    }
}
