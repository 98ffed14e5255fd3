import Foundation
import Yams

/// A plan a director applies to a channel's planner: buckets of tasks whose due dates count from a base date (the
/// account's start date for a takeover, the date a service ends for after-care). One YAML file per template in the
/// directory `templates.planner` (`config/planner/`); the file's name is the template's key.
public struct PlannerTemplate: Codable, Sendable, Hashable {
    /// What the due dates count from.
    public enum Base: String, Codable, Sendable, CaseIterable {
        /// The account's start date, or a date given when applying (required when the account has none).
        case accountStart = "account_start"
        /// The date the service ends, given when applying.
        case serviceEnd = "service_end"
    }

    public struct Task: Codable, Sendable, Hashable {
        /// Stable within the template: applying it again with the same base date skips the tasks a channel has.
        public var key: String
        public var title: String
        public var titleEn: String?
        public var description: String
        public var checklist: [String]
        public var labels: [String]
        /// The due date in days from the base date (negative: before it).
        public var dueDays: Int
        /// The role the task is for: the channel's member with that role is the assignee if there is exactly one.
        public var role: ChannelRole
        /// Added only when the person applying asks for the optional tasks.
        public var optional: Bool
    }

    public struct Bucket: Codable, Sendable, Hashable {
        public var key: String
        public var title: String
        public var titleEn: String?
        public var tasks: [Task]
    }

    public var key: String
    public var title: String
    public var titleEn: String?
    public var base: Base
    public var buckets: [Bucket]

    public static let maxDueDays = 3_650
    static let fields: Set = ["title", "title_en", "base", "buckets"]
    static let bucketFields: Set = ["key", "title", "title_en", "tasks"]
    static let taskFields: Set = ["key", "title", "title_en", "description", "checklist", "labels", "due_days", "role", "optional"]

    /// The buckets and tasks to add for `base`: bucket keys `<template>/<bucket>`, task keys `<template>/<base>/<task>`,
    /// due dates `base + dueDays`. Optional tasks only when `includeOptional`.
    public func plan(base: LocalDate, includeOptional: Bool) throws -> [PlannerTemplateBucketPlan] {
        try buckets.map { bucket in
            PlannerTemplateBucketPlan(templateKey: "\(key)/\(bucket.key)", name: bucket.title, tasks: try bucket.tasks.filter { includeOptional || !$0.optional }.map { task in
                guard let due = base.adding(days: task.dueDays), PlannerLimits.years.contains(due.year) else {
                    throw KanavaError.invalid("baseDate", "would put '\(task.title)' due outside the years \(PlannerLimits.years.lowerBound)–\(PlannerLimits.years.upperBound)")
                }
                let fields = PlannerTaskFields(
                    title: task.title, description: task.description, assignee: nil, startDate: nil, dueDate: due, status: .notStarted,
                    labels: task.labels, checklist: task.checklist.map { PlannerChecklistLine(id: nil, text: $0, done: false) })
                return PlannerTemplateTaskPlan(templateKey: "\(key)/\(base)/\(task.key)", fields: fields, role: task.role)
            })
        }
    }

    // MARK: - Reading

    /// Reads every `*.yaml` file of `directory`, in name order. Any problem stops loading with the file, line and
    /// entry it is in (a broken template stops `kanava serve`, as a broken annual-clock template does).
    public static func loadAll(directory: String) throws(ConfigError) -> [PlannerTemplate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigError(file: directory, key: "templates.planner", problem: "is not a readable directory of planner templates")
        }
        var templates: [PlannerTemplate] = []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            let key = String(name.dropLast(".yaml".count))
            guard TableOfContents.isValidKey(key) else {
                throw ConfigError(file: path, key: "(file name)", problem: "'\(key)' is not a template key: \(TableOfContents.keyPattern)")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(file: path, key: "(file)", problem: "cannot be read")
            }
            templates.append(try parse(text, key: key, file: path))
        }
        return templates
    }

    public static func parse(_ text: String, key: String, file: String) throws(ConfigError) -> PlannerTemplate {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, key: "(file)", problem: "is not valid YAML: \(error)")
        }
        guard let mapping = root?.mapping else {
            throw ConfigError(file: file, line: root?.mark?.line, key: "(file)", problem: "must be a mapping with title, base and buckets")
        }
        let reader = EntryReader(file: file)
        try reader.refuseUnknown(mapping, known: fields, path: "")
        let title = try reader.name(mapping, "title", path: "", maxChars: PlannerLimits.maxTitleChars)
        let titleEn = try reader.optionalName(mapping, "title_en", path: "", maxChars: PlannerLimits.maxTitleChars)
        guard let baseNode = mapping["base"], let base = baseNode.string.flatMap(Base.init(rawValue:)) else {
            throw reader.fail("base", "is required: \(Base.allCases.map(\.rawValue).joined(separator: " or "))", mapping["base"] ?? root)
        }
        guard let bucketsNode = mapping["buckets"], let list = bucketsNode.sequence, !list.isEmpty else {
            throw reader.fail("buckets", "must be a list of at least one bucket", mapping["buckets"] ?? root)
        }
        guard list.count <= PlannerLimits.maxBuckets else {
            throw reader.fail("buckets", "must have at most \(PlannerLimits.maxBuckets) buckets", bucketsNode)
        }
        var buckets: [Bucket] = []
        var bucketKeys: [String: Int] = [:]
        var taskKeys: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            let path = "buckets[\(index)]"
            guard let fields = node.mapping else { throw reader.fail(path, "must be a mapping with key, title and tasks", node) }
            try reader.refuseUnknown(fields, known: bucketFields, path: path + ".")
            let bucketKey = try reader.key(fields, path: path + ".", at: node)
            if let line = bucketKeys[bucketKey] {
                throw reader.fail("\(path).key", "'\(bucketKey)' is already used by the bucket on line \(line)", fields["key"])
            }
            bucketKeys[bucketKey] = fields["key"]?.mark?.line ?? 0
            guard let tasksNode = fields["tasks"], let taskList = tasksNode.sequence, !taskList.isEmpty else {
                throw reader.fail("\(path).tasks", "must be a list of at least one task", fields["tasks"] ?? node)
            }
            var tasks: [Task] = []
            for (taskIndex, taskNode) in taskList.enumerated() {
                let task = try reader.task(taskNode, path: "\(path).tasks[\(taskIndex)]")
                if let line = taskKeys[task.key] {
                    throw reader.fail("\(path).tasks[\(taskIndex)].key", "'\(task.key)' is already used by the task on line \(line)", taskNode.mapping?["key"])
                }
                taskKeys[task.key] = taskNode.mapping?["key"]?.mark?.line ?? 0
                tasks.append(task)
            }
            buckets.append(Bucket(key: bucketKey, title: try reader.name(fields, "title", path: path + ".", maxChars: PlannerLimits.maxBucketNameChars),
                                  titleEn: try reader.optionalName(fields, "title_en", path: path + ".", maxChars: PlannerLimits.maxBucketNameChars),
                                  tasks: tasks))
        }
        guard taskKeys.count <= PlannerLimits.maxTasks else {
            throw reader.fail("buckets", "must have at most \(PlannerLimits.maxTasks) tasks in all", bucketsNode)
        }
        return PlannerTemplate(key: key, title: title, titleEn: titleEn, base: base, buckets: buckets)
    }
}

/// Reads the entries of one template file, naming the file, line and entry of any problem.
private struct EntryReader {
    let file: String

    func fail(_ key: String, _ problem: String, _ at: Node?) -> ConfigError {
        ConfigError(file: file, line: at?.mark?.line, key: key, problem: problem)
    }

    /// Runs a check that speaks in `KanavaError`s, reporting its problem (without its field prefix) at `key`.
    func checked<T>(_ key: String, _ at: Node?, _ check: () throws -> T) throws(ConfigError) -> T {
        do {
            return try check()
        } catch let error as KanavaError {
            let message = error.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? error.message
            throw fail(key, message, at)
        } catch {
            throw fail(key, "\(error)", at)
        }
    }

    func refuseUnknown(_ fields: Node.Mapping, known: Set<String>, path: String) throws(ConfigError) {
        for keyNode in fields.keys where !known.contains(keyNode.string ?? "") {
            throw fail(path + (keyNode.string ?? "?"), "unknown field; use \(known.sorted().joined(separator: ", "))", keyNode)
        }
    }

    func key(_ fields: Node.Mapping, path: String, at node: Node) throws(ConfigError) -> String {
        guard let key = fields["key"]?.string, TableOfContents.isValidKey(key) else {
            throw fail(path + "key", "is required: \(TableOfContents.keyPattern)", fields["key"] ?? node)
        }
        return key
    }

    func name(_ fields: Node.Mapping, _ field: String, path: String, maxChars: Int) throws(ConfigError) -> String {
        guard let node = fields[field], let text = node.string else { throw fail(path + field, "is required", fields[field]) }
        return try checked(path + field, node) { try TextInput.name(text, field: field, maxChars: maxChars) }
    }

    func optionalName(_ fields: Node.Mapping, _ field: String, path: String, maxChars: Int) throws(ConfigError) -> String? {
        guard fields[field] != nil else { return nil }
        return try name(fields, field, path: path, maxChars: maxChars)
    }

    /// A list of one-line texts (a checklist, labels), at most `maxItems` of at most `maxChars` characters each.
    func list(_ fields: Node.Mapping, _ field: String, path: String, maxItems: Int, maxChars: Int) throws(ConfigError) -> [String] {
        guard let node = fields[field] else { return [] }
        guard let items = node.sequence else { throw fail(path + field, "must be a list", node) }
        guard items.count <= maxItems else { throw fail(path + field, "must have at most \(maxItems) items", node) }
        var texts: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.string else { throw fail("\(path)\(field)[\(index)]", "must be text", item) }
            texts.append(try checked("\(path)\(field)[\(index)]", item) { try TextInput.name(text, field: field, maxChars: maxChars) })
        }
        return texts
    }

    func task(_ node: Node, path: String) throws(ConfigError) -> PlannerTemplate.Task {
        guard let fields = node.mapping else { throw fail(path, "must be a mapping with key, title, due_days and role", node) }
        let prefix = path + "."
        try refuseUnknown(fields, known: PlannerTemplate.taskFields, path: prefix)
        let key = try key(fields, path: prefix, at: node)
        let title = try name(fields, "title", path: prefix, maxChars: PlannerLimits.maxTitleChars)
        let titleEn = try optionalName(fields, "title_en", path: prefix, maxChars: PlannerLimits.maxTitleChars)
        let description = try checked(prefix + "description", fields["description"]) {
            try TextInput.bounded((fields["description"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                                  field: "description", maxChars: PlannerLimits.maxDescriptionChars)
        }
        let checklist = try list(fields, "checklist", path: prefix, maxItems: PlannerLimits.maxChecklistItems, maxChars: PlannerLimits.maxChecklistItemChars)
        let labels = try list(fields, "labels", path: prefix, maxItems: PlannerLimits.maxLabels, maxChars: PlannerLimits.maxLabelChars)
        let range = -PlannerTemplate.maxDueDays...PlannerTemplate.maxDueDays
        let days = "a whole number of days from the base date, \(range.lowerBound)–\(range.upperBound)"
        guard let dueNode = fields["due_days"] else { throw fail(prefix + "due_days", "is required: \(days)", node) }
        guard let dueDays = dueNode.int, range.contains(dueDays) else { throw fail(prefix + "due_days", "must be \(days)", dueNode) }
        guard let roleText = fields["role"]?.string else {
            throw fail(prefix + "role", "is required: \(ChannelRole.allCases.map(\.rawValue).joined(separator: ", "))", fields["role"] ?? node)
        }
        let role = try checked(prefix + "role", fields["role"]) { try ChannelRole.parse(roleText) }
        var optional = false
        if let optionalNode = fields["optional"] {
            guard let value = optionalNode.bool else { throw fail(prefix + "optional", "must be true or false", optionalNode) }
            optional = value
        }
        return PlannerTemplate.Task(key: key, title: title, titleEn: titleEn, description: description, checklist: checklist, labels: labels,
                                    dueDays: dueDays, role: role, optional: optional)
    }
}
