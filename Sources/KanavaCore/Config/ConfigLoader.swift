import Foundation
import Yams

/// Reads ``KanavaConfig``: the built-in defaults, overlaid by a YAML file, overlaid by environment variables.
///
/// Every key of the configuration has an environment name: `KANAVA_` and its path in upper case joined by
/// `_` (`server.public_url` → `KANAVA_SERVER_PUBLIC_URL`). An unknown key in the file is an error (a typo
/// must not silently fall back to a default), and every error names the file, line, key and problem.
public struct ConfigLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads `path`; a missing file is an error only when `required`.
    public func load(path: String?, required: Bool = false) throws(ConfigError) -> KanavaConfig {
        var text: String?
        if let path {
            if FileManager.default.fileExists(atPath: path) {
                do {
                    text = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw ConfigError(file: path, key: "(file)", problem: "cannot be read as UTF-8 text: \(error.localizedDescription)")
                }
            } else if required {
                throw ConfigError(file: path, key: "(file)", problem: "does not exist")
            }
        }
        return try load(yaml: text, file: path)
    }

    /// Loads from YAML text (nil: defaults and environment only).
    public func load(yaml: String?, file: String? = nil) throws(ConfigError) -> KanavaConfig {
        var values = try Self.leaves(of: Self.defaultsNode(), file: nil)
        let known = Set(values.keys)

        if let yaml, !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let node: Node?
            do {
                node = try Yams.compose(yaml: yaml)
            } catch {
                throw ConfigError(file: file, line: Self.line(of: error), key: "(file)", problem: "is not valid YAML: \(Self.problem(of: error))")
            }
            if let node {
                guard node.mapping != nil else {
                    throw ConfigError(file: file, line: node.mark.map { $0.line }, key: "(file)", problem: "must be a mapping of sections and keys")
                }
                for (path, leaf) in try Self.leaves(of: node, file: file) {
                    guard known.contains(path) else {
                        throw ConfigError(file: file, line: leaf.line, key: Self.snakePath(path), problem: "unknown key")
                    }
                    values[path] = leaf
                }
            }
        }

        for path in known {
            let name = "KANAVA_" + Self.snakePath(path).replacingOccurrences(of: ".", with: "_").uppercased()
            if let value = environment[name] {
                values[path] = Leaf(scalar: Node.Scalar(value), line: nil, origin: "environment variable \(name)")
            }
        }

        let config: KanavaConfig
        do {
            config = try YAMLDecoder().decode(KanavaConfig.self, from: Self.tree(from: values))
        } catch let error as DecodingError {
            let (path, problem) = Self.describe(error)
            let leaf = values[path]
            throw ConfigError(file: leaf?.origin ?? file, line: leaf?.line, key: Self.snakePath(path), problem: problem)
        } catch {
            throw ConfigError(file: file, key: "(file)", problem: "\(error)")
        }
        do {
            try config.validate()
        } catch {
            var located = error
            if let leaf = values[Self.camelPath(error.key)] {
                located.file = leaf.origin ?? file
                located.line = leaf.line
            } else {
                located.file = file
            }
            throw located
        }
        return config
    }

    // MARK: - Flattening and rebuilding the YAML tree

    /// One configured value with where it came from.
    struct Leaf {
        var scalar: Node.Scalar
        var line: Int?
        /// Where the value came from when not the file itself (an environment variable).
        var origin: String? = nil
    }

    private static func defaultsNode() -> Node {
        // Encoding our own Codable value cannot fail; the defaults are the schema of known keys.
        let yaml = (try? YAMLEncoder().encode(KanavaConfig())) ?? ""
        return (try? Yams.compose(yaml: yaml)) ?? Node.mapping(.init([]))
    }

    /// Flattens a mapping into dotted camelCase paths → scalar values.
    private static func leaves(of node: Node, file: String?, prefix: String = "") throws(ConfigError) -> [String: Leaf] {
        var result: [String: Leaf] = [:]
        guard let mapping = node.mapping else { return result }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                throw ConfigError(file: file, line: keyNode.mark.map { $0.line }, key: prefix.isEmpty ? "(root)" : snakePath(prefix), problem: "keys must be text")
            }
            let path = prefix.isEmpty ? camel(key) : prefix + "." + camel(key)
            switch value {
            case .scalar(let scalar):
                result[path] = Leaf(scalar: scalar, line: value.mark.map { $0.line })
            case .mapping:
                for (childPath, leaf) in try leaves(of: value, file: file, prefix: path) { result[childPath] = leaf }
                if case .mapping(let m) = value, m.isEmpty {
                    throw ConfigError(file: file, line: value.mark.map { $0.line }, key: snakePath(path), problem: "is an empty section")
                }
            case .sequence, .alias:
                throw ConfigError(file: file, line: value.mark.map { $0.line }, key: snakePath(path), problem: "expected a single value, found a list")
            }
        }
        return result
    }

    /// Rebuilds a nested mapping from dotted paths.
    private static func tree(from values: [String: Leaf]) -> Node {
        var sections: [String: [String: Leaf]] = [:]
        var pairs: [(Node, Node)] = []
        for (path, leaf) in values {
            if let dot = path.firstIndex(of: ".") {
                sections[String(path[..<dot]), default: [:]][String(path[path.index(after: dot)...])] = leaf
            } else {
                pairs.append((Node(path), .scalar(leaf.scalar)))
            }
        }
        for (name, children) in sections { pairs.append((Node(name), tree(from: children))) }
        return .mapping(.init(pairs))
    }

    // MARK: - Naming

    static func camel(_ snake: String) -> String {
        let parts = snake.split(separator: "_", omittingEmptySubsequences: false)
        guard let first = parts.first else { return snake }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func snake(_ camel: String) -> String {
        var out = ""
        for character in camel {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    static func snakePath(_ path: String) -> String { path.split(separator: ".").map { snake(String($0)) }.joined(separator: ".") }
    static func camelPath(_ path: String) -> String { path.split(separator: ".").map { camel(String($0)) }.joined(separator: ".") }

    // MARK: - Error text

    private static func describe(_ error: DecodingError) -> (path: String, problem: String) {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type)), found nothing")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is missing")
        case .dataCorrupted(let context):
            return (path(context.codingPath), "expected \(context.debugDescription)")
        @unknown default:
            return ("(file)", "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        default: "a value of type \(type)"
        }
    }

    private static func line(of error: any Error) -> Int? {
        guard let yamlError = error as? YamlError else { return nil }
        switch yamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    private static func problem(of error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "\(error)" }
        switch yamlError {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        case .duplicatedKeysInMapping(let duplicates, _): return "duplicated keys: \(duplicates.joined(separator: ", "))"
        default: return "\(yamlError)"
        }
    }
}
