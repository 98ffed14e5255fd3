// The server's input limits, so the page can refuse over-long text before sending it. The server tells them in
// its WebSocket hello (`limits`); until then these are config/kanava.yaml's defaults. The server checks again.
export const limits = {
  maxMessageChars: 4000, // chat.max_message_chars
  maxNoticeTitleChars: 200, // limits.max_name_chars
  maxNoticeBodyChars: 10000, // notices.max_body_chars
};

/** Takes the limits from the server's hello frame (unknown or missing values are ignored). */
export function adoptLimits(fromServer) {
  for (const key of Object.keys(limits)) {
    const value = fromServer?.[key];
    if (Number.isInteger(value) && value > 0) limits[key] = value;
  }
}
