import GRDB

/// The schema of the planner: migration `v8-planner` (registered in ``Migrations``).
/// Never edit it once released: add a new migration.
enum PlannerMigration {
    static func v8(_ db: Database) throws {
        try db.execute(sql: """
            -- A column of a channel's planner, in `position` order. template_key ('takeover/before-start') marks a bucket
            -- made by applying a template, so applying it again adds to the same bucket instead of a second one.
            CREATE TABLE planner_bucket (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                template_key TEXT,
                created_at DATETIME NOT NULL,
                updated_at DATETIME
            );
            CREATE INDEX planner_bucket_account ON planner_bucket(account_id, position);
            CREATE UNIQUE INDEX planner_bucket_template ON planner_bucket(account_id, template_key) WHERE template_key IS NOT NULL;

            -- A task, in `position` order within its bucket. completed_at is set when the status becomes 'done' and
            -- cleared when it leaves it; with created_at and deleted_at it lets a past month's overdue count be
            -- computed as it stood at the month's end. Deleting keeps the row (deleted_at) for that reason.
            CREATE TABLE planner_task (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                bucket_id INTEGER NOT NULL REFERENCES planner_bucket(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                assignee_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                start_date TEXT,
                due_date TEXT CHECK (due_date IS NULL OR start_date IS NULL OR due_date >= start_date),
                status TEXT NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done')),
                labels TEXT NOT NULL DEFAULT '[]',
                template_key TEXT,
                created_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME,
                completed_at DATETIME,
                deleted_at DATETIME
            );
            CREATE INDEX planner_task_bucket ON planner_task(bucket_id, position) WHERE deleted_at IS NULL;
            CREATE INDEX planner_task_account_due ON planner_task(account_id, due_date);
            CREATE INDEX planner_task_assignee_open ON planner_task(assignee_id, due_date)
                WHERE status <> 'done' AND deleted_at IS NULL;
            CREATE UNIQUE INDEX planner_task_template ON planner_task(account_id, template_key) WHERE template_key IS NOT NULL;

            -- A task's checklist, in `position` order.
            CREATE TABLE planner_checklist_item (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                task_id INTEGER NOT NULL REFERENCES planner_task(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
            );
            CREATE INDEX planner_checklist_task ON planner_checklist_item(task_id, position);

            CREATE TABLE planner_comment (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                task_id INTEGER NOT NULL REFERENCES planner_task(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                body TEXT NOT NULL,
                created_at DATETIME NOT NULL
            );
            CREATE INDEX planner_comment_task ON planner_comment(task_id, id);
            """)
    }
}
