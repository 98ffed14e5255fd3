import Foundation
import KanavaCore
import Testing

@Suite struct ConfigTests {
    @Test func defaultsWithoutAFile() throws {
        let config = try ConfigLoader(environment: [:]).load(yaml: nil)
        #expect(config == KanavaConfig())
        try config.validate()
    }

    @Test func theShippedConfigFileIsValidAndMatchesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/kanava.yaml").path
        let config = try ConfigLoader(environment: [:]).load(path: path, required: true)
        #expect(config == KanavaConfig())
    }

    @Test func fileValuesOverrideDefaultsAndEnvironmentOverridesFile() throws {
        let yaml = """
            server:
              port: 9000
              public_url: https://kanava.example.fi
            limits:
              max_ws_frame_bytes: 32768
            """
        let config = try ConfigLoader(environment: ["KANAVA_SERVER_PORT": "9100", "KANAVA_SMTP_HOST": "mail.example", "KANAVA_SMTP_SENDER": "kanava@example.fi"]).load(yaml: yaml)
        #expect(config.server.port == 9100)
        #expect(config.server.publicUrl == "https://kanava.example.fi")
        #expect(config.limits.maxWsFrameBytes == 32768)
        #expect(config.smtp.host == "mail.example")
        #expect(config.auth.bcryptCost == 12)
        // Mail without a sender, or with an unknown security mode, stops start-up.
        #expect(throws: ConfigError.self) { try ConfigLoader(environment: ["KANAVA_SMTP_HOST": "mail.example"]).load(yaml: yaml) }
        #expect(throws: ConfigError.self) {
            try ConfigLoader(environment: ["KANAVA_SMTP_HOST": "m", "KANAVA_SMTP_SENDER": "k@example.fi", "KANAVA_SMTP_SECURITY": "ssl"]).load(yaml: yaml)
        }
    }

    @Test func unknownKeyNamesKeyAndLine() {
        let yaml = "server:\n  host: 0.0.0.0\n  prot: 80\n"
        #expect(throws: ConfigError(file: "k.yaml", line: 3, key: "server.prot", problem: "unknown key")) {
            try ConfigLoader(environment: [:]).load(yaml: yaml, file: "k.yaml")
        }
    }

    @Test func wrongTypeNamesKeyLineAndExpectation() throws {
        let yaml = "session:\n  lifetime_hours: 12\nserver:\n  port: eighty\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader(environment: [:]).load(yaml: yaml, file: "k.yaml") }
        #expect(error.key == "server.port")
        #expect(error.line == 4)
        #expect(error.problem == "expected a whole number")
        #expect(error.description == "k.yaml:4: server.port: expected a whole number")
    }

    @Test func outOfRangeValueIsRefusedWithItsLine() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader(environment: [:]).load(yaml: "auth:\n  bcrypt_cost: 40\n", file: "k.yaml")
        }
        #expect(error.key == "auth.bcrypt_cost")
        #expect(error.line == 2)
        #expect(error.problem.contains("4–31"))
    }

    @Test func badEnvironmentValueNamesTheVariable() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader(environment: ["KANAVA_LIMITS_MAX_BODY_BYTES": "lots"]).load(yaml: nil)
        }
        #expect(error.key == "limits.max_body_bytes")
        #expect(error.file == "environment variable KANAVA_LIMITS_MAX_BODY_BYTES")
    }

    @Test func invalidYAMLAndWrongShapesAreRefused() throws {
        let broken = try #require(throws: ConfigError.self) { try ConfigLoader(environment: [:]).load(yaml: "server:\n  port: [1, 2\n") }
        #expect(broken.problem.contains("not valid YAML"))
        let list = try #require(throws: ConfigError.self) { try ConfigLoader(environment: [:]).load(yaml: "server:\n  host:\n    - a\n") }
        #expect(list.key == "server.host")
        #expect(list.problem.contains("list"))
        let scalar = try #require(throws: ConfigError.self) { try ConfigLoader(environment: [:]).load(yaml: "just text") }
        #expect(scalar.problem.contains("mapping"))
    }

    @Test func thePlannerTemplatesDirectoryIsAKeyOfTemplates() throws {
        #expect(KanavaConfig().templates.planner == "config/planner")
        let fromFile = try ConfigLoader(environment: [:]).load(yaml: "templates:\n  planner: /srv/kanava/planner\n")
        #expect(fromFile.templates.planner == "/srv/kanava/planner")
        #expect(fromFile.templates.annualClock == "config/annual-clock.yaml")
        let fromEnvironment = try ConfigLoader(environment: ["KANAVA_TEMPLATES_PLANNER": "/etc/kanava/planner"]).load(yaml: nil)
        #expect(fromEnvironment.templates.planner == "/etc/kanava/planner")
    }

    @Test func rateLimitsAreKeysOfLimitsAndMustBePositive() throws {
        let config = try ConfigLoader(environment: ["KANAVA_LIMITS_MAX_SOCKETS_PER_PERSON": "3"])
            .load(yaml: "limits:\n  messages_per_person: 5\n  messages_window_seconds: 2.5\n  webhook_posts_per_address: 7\n")
        #expect(config.limits.messagesPerPerson == 5)
        #expect(config.limits.messagesWindowSeconds == 2.5)
        #expect(config.limits.webhookPostsPerAddress == 7)
        #expect(config.limits.maxSocketsPerPerson == 3)
        #expect(config.limits.uploadsPerPerson == KanavaConfig.Limits().uploadsPerPerson)
        for (yaml, key) in [("uploads_per_person: 0", "limits.uploads_per_person"), ("bot_window_seconds: 0", "limits.bot_window_seconds"),
                            ("webhook_posts_per_token: -1", "limits.webhook_posts_per_token"), ("max_sockets_per_person: 0", "limits.max_sockets_per_person")] {
            let error = try #require(throws: ConfigError.self) { try ConfigLoader(environment: [:]).load(yaml: "limits:\n  \(yaml)\n", file: "k.yaml") }
            #expect(error.key == key)
            #expect(error.line == 2)
        }
    }

    @Test func missingRequiredFileIsAnError() {
        #expect(throws: ConfigError.self) {
            try ConfigLoader(environment: [:]).load(path: "/nonexistent/kanava.yaml", required: true)
        }
    }
}
