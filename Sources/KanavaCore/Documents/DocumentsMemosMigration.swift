import GRDB

/// The schema of pinned documents and meeting memos: migration `v4-documents-memos` (registered in
/// ``Migrations``). Never edit it once released: add a new migration.
enum DocumentsMemosMigration {
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
            -- A document pinned to a section of a channel. Unpinning sets removed_at and keeps everything.
            CREATE TABLE document (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                section_key TEXT NOT NULL,
                title TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('general', 'contract')),
                source TEXT NOT NULL CHECK (source IN ('file', 'link')),
                -- Contracts only; 'expired' is computed from valid_until, never stored.
                contract_status TEXT CHECK (contract_status IN ('draft', 'in_force', 'superseded')),
                valid_from TEXT,
                valid_until TEXT,
                latest_version INTEGER NOT NULL DEFAULT 1,
                created_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                removed_at DATETIME,
                removed_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                CHECK ((kind = 'contract') = (contract_status IS NOT NULL AND valid_from IS NOT NULL)),
                CHECK (valid_until IS NULL OR valid_until >= valid_from)
            );
            CREATE INDEX document_section ON document(account_id, section_key) WHERE removed_at IS NULL;

            -- Every version of a document: a stored file (by SHA-256) or a link's URL.
            CREATE TABLE document_version (
                document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                number INTEGER NOT NULL CHECK (number >= 1),
                file_sha256 TEXT,
                file_name TEXT,
                content_type TEXT,
                size INTEGER,
                url TEXT,
                added_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                added_at DATETIME NOT NULL,
                PRIMARY KEY (document_id, number),
                CHECK ((file_sha256 IS NULL) <> (url IS NULL))
            ) WITHOUT ROWID;
            CREATE INDEX document_version_file ON document_version(file_sha256) WHERE file_sha256 IS NOT NULL;

            -- Meeting notes of a channel's memos section. Deleting sets deleted_at and keeps the text.
            CREATE TABLE memo (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                meeting_date TEXT NOT NULL,
                participants TEXT NOT NULL DEFAULT '[]',
                body TEXT NOT NULL,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL,
                edited_at DATETIME,
                edited_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                deleted_at DATETIME,
                deleted_by INTEGER REFERENCES person(id) ON DELETE SET NULL
            );
            CREATE INDEX memo_account_date ON memo(account_id, meeting_date) WHERE deleted_at IS NULL;
            """)
    }
}
