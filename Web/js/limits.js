// The server's input limits, mirrored so the page can refuse over-long text before sending it. They are the
// defaults of config/kanava.yaml (the server does not tell them to the browser); the server checks again.
export const MAX_MESSAGE_CHARS = 4000; // chat.max_message_chars
export const MAX_NOTICE_TITLE_CHARS = 200; // limits.max_name_chars
export const MAX_NOTICE_BODY_CHARS = 10000; // notices.max_body_chars
