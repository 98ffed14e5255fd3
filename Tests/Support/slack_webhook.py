"""Posts to an incoming webhook with the Slack SDK's WebhookClient, as a tool that only knows Slack would.

Usage: slack_webhook.py URL < sends.json
Each send is {"send": {...}} (keyword arguments of WebhookClient.send: text, attachments, blocks, ...) or
{"send_dict": {...}} (a whole body, for fields send() has no argument for, such as username and icon_emoji).
Prints a JSON list of {"status", "body"}, one per send.
"""
import json
import sys

from slack_sdk.webhook import WebhookClient

client = WebhookClient(sys.argv[1], timeout=10)
results = []
for item in json.load(sys.stdin):
    if "send" in item:
        response = client.send(**item["send"])
    else:
        response = client.send_dict(item["send_dict"])
    results.append({"status": response.status_code, "body": response.body})
json.dump(results, sys.stdout)
