// Reads .ics files with Mozilla's calendar parser (ical.js), a second parser beside the
// icalendar that wrote them, and prints what a calendar would take from each as JSON.
// Usage: node tests/checkers/ical_read.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = [];
for (const file of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  // A TZID means something only with its VTIMEZONE in the same file.
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      floating: event.startDate.zone === ICAL.Timezone.localTimezone,
      start_utc: event.startDate.toJSDate().toISOString(),
      end_utc: event.endDate.toJSDate().toISOString(),
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      description: event.description,
      status: vevent.getFirstPropertyValue("status"),
      organizer: vevent.getFirstPropertyValue("organizer"),
      attendees: event.attendees.map((a) => a.getFirstValue()),
    };
  });
  out.push({ file, method: calendar.getFirstPropertyValue("method"), events });
}
process.stdout.write(JSON.stringify(out));
