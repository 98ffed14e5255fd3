import Foundation

/// The e-mails of the notice follow-up, in the recipient's language (Finnish unless they chose English), as plain
/// text and HTML, each with a link back to the notice.
public struct NoticeMail: Sendable {
    /// The address people use (`server.public_url`); links are relative to it.
    let publicURL: String

    public init(publicURL: String) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    func link(_ notice: Notice) -> String {
        "\(publicURL)/#/accounts/\(notice.account.rawValue)/notices/\(notice.id.rawValue)"
    }

    func reminder(_ notice: Notice, to member: FollowUpCandidate) -> OutgoingMail {
        let english = member.language == "en"
        let subject = english ? "Please acknowledge: \(notice.title)" : "Kuittaa tiedote: \(notice.title)"
        let intro = english
            ? "An urgent notice in your channel is waiting for your acknowledgement."
            : "Kanavasi kiireellinen tiedote odottaa kuittaustasi."
        let action = english ? "Open and acknowledge" : "Avaa ja kuittaa"
        return mail(to: member.person, subject: subject, intro: intro, notice: notice, action: action, purpose: "notice.reminder")
    }

    /// One mail to each regional director with their people, and one to the sender with everyone.
    func escalation(_ notice: Notice, _ data: NoticeEscalated, directors: [Member]) -> [OutgoingMail] {
        var mails = data.escalations.map { escalation in
            let names = escalation.people.map(\.name).joined(separator: ", ")
            return mail(to: escalation.regionalDirector, subject: "Kuittaamatta / Not acknowledged: \(notice.title)",
                        intro: "Nämä alueesi henkilöt eivät ole kuitanneet kiireellistä tiedotetta: \(names).\n"
                            + "These people in your region have not acknowledged an urgent notice: \(names).",
                        notice: notice, action: "Avaa tiedote / Open the notice", purpose: "notice.escalation")
        }
        if let author = notice.author {
            let escalated = data.escalations.flatMap(\.people) + data.unrouted
            let names = Set(escalated.map(\.name)).sorted(by: FinnishCollation.precedes).joined(separator: ", ")
            var intro = "Tiedotetta ei ole kuitattu ajoissa; eskaloitu aluejohtajille / Not acknowledged in time; escalated to regional directors: \(names)."
            if !data.unrouted.isEmpty {
                intro += "\nIlman aluejohtajaa / No regional director for: " + data.unrouted.map(\.name).joined(separator: ", ")
            }
            mails.append(mail(to: author, subject: "Eskaloitu / Escalated: \(notice.title)", intro: intro, notice: notice,
                              action: "Katso kuittaukset / See acknowledgements", purpose: "notice.escalation"))
        }
        return mails
    }

    private func mail(to person: PersonRef, subject: String, intro: String, notice: Notice, action: String, purpose: String) -> OutgoingMail {
        let url = link(notice)
        let text = "\(intro)\n\n\(notice.title)\n\n\(notice.body)\n\n\(action): \(url)\n"
        let paragraphs = intro.split(separator: "\n").map { "<p>\(MarkdownRenderer.escape(String($0)))</p>" }.joined()
        let html = """
            <!doctype html><html><body>\(paragraphs)<h2>\(MarkdownRenderer.escape(notice.title))</h2>\
            \(MarkdownRenderer().html(notice.body))<p><a href="\(MarkdownRenderer.escape(url))">\(MarkdownRenderer.escape(action))</a></p></body></html>
            """
        return OutgoingMail(recipient: person.email, recipientName: person.name, subject: subject, text: text, html: html, purpose: purpose)
    }
}
