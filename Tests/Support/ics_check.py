"""Parses calendar feeds with the icalendar package (not Kanava's code) and prints what it read, as JSON.

Usage: ics_check.py FILE...   (each file: a feed's bytes as fetched)
Prints a JSON list, one per file: {"calendar": {property: value}, "events": [{"uid", "summary", "description",
"start", "end", "allDay", "status", "categories", "stamp"}]}. Fails (exit 1) if a file does not parse.
"""
import json
import sys
from datetime import datetime

from icalendar import Calendar

feeds = []
for path in sys.argv[1:]:
    with open(path, "rb") as file:
        calendar = Calendar.from_ical(file.read())
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        categories = event.get("CATEGORIES")
        events.append({
            "uid": str(event["UID"]),
            "summary": str(event["SUMMARY"]),
            "description": str(event.get("DESCRIPTION", "")),
            "start": start.isoformat(),
            "end": event.decoded("DTEND").isoformat(),
            "allDay": not isinstance(start, datetime),
            "status": str(event["STATUS"]),
            "categories": [str(c) for c in categories.cats] if categories is not None else [],
            "stamp": event.decoded("DTSTAMP").isoformat(),
        })
    names = ["VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME", "X-WR-TIMEZONE"]
    feeds.append({"calendar": {name: str(calendar.get(name)) for name in names if name in calendar}, "events": events})
json.dump(feeds, sys.stdout, ensure_ascii=False)
