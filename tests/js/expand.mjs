// Read an iCalendar file on stdin with Mozilla's ical.js (the parser of Thunderbird and
// many web calendars) and print what it makes of it as JSON on stdout.
//
//   node expand.mjs occurrences [UNTIL]   every VEVENT's occurrences starting before UNTIL
//                                         (a date, default 2046-01-01): UID, RECURRENCE-ID,
//                                         start and end in the event's own zone (wall clock)
//                                         and in UTC, STATUS, SUMMARY
//   node expand.mjs offsets FROM UNTIL    for each VTIMEZONE, the UTC offset ical.js gives to
//                                         every wall-clock hour in [FROM, UNTIL) (years), as
//                                         the list of [wall clock read as unix seconds, offset
//                                         seconds] where it changes (the first hour included)
//
// Called by tests/feeds/icaljs.py; kept small so what is checked is ical.js, not this file.
import ICAL from "ical.js";

const MAX_OCCURRENCES = 5000;

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf-8")));
    process.stdin.on("error", reject);
  });
}

function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

// Wall-clock text of an ICAL.Time: "YYYY-MM-DD" for a date, "YYYY-MM-DDTHH:MM:SS" otherwise.
function wall(t) {
  const day = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  return t.isDate ? day : `${day}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

// The same instant in the event's own zone (an override may be written in another one).
function inZone(t, zone) {
  if (t.isDate || !zone || t.zone === ICAL.Timezone.localTimezone) return t;
  return t.convertToZone(zone);
}

function utc(t) {
  if (t.isDate || t.zone === ICAL.Timezone.localTimezone) return null; // floating
  return new Date(t.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

function registerZones(vcalendar) {
  const zones = {};
  for (const vtz of vcalendar.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtz);
    ICAL.TimezoneService.register(zone);
    zones[zone.tzid] = zone;
  }
  return zones;
}

function occurrences(vcalendar, until) {
  const bound = ICAL.Time.fromDateString(until);
  const byUid = new Map();
  for (const vevent of vcalendar.getAllSubcomponents("vevent")) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
    const entry = byUid.get(uid);
    if (vevent.hasProperty("recurrence-id")) entry.exceptions.push(vevent);
    else entry.master = vevent;
  }
  const found = [];
  for (const [uid, { master, exceptions }] of byUid) {
    if (master === null) throw new Error(`${uid}: overrides without a master event`);
    // Exceptions given by UID: left to itself, ical.js relates every override in the file.
    const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
    const zone = event.startDate.zone;
    const iterator = event.iterator();
    for (let next = iterator.next(), n = 0; next; next = iterator.next(), n++) {
      if (n >= MAX_OCCURRENCES) throw new Error(`${uid}: more than ${MAX_OCCURRENCES} occurrences`);
      if (next.compare(bound) >= 0) break;
      const details = event.getOccurrenceDetails(next);
      const start = inZone(details.startDate, zone);
      const end = inZone(details.endDate, zone);
      const item = details.item.component;
      found.push({
        uid,
        tzid: start.isDate ? null : start.zone.tzid,
        recurrence_id: details.item.isRecurrenceException() ? wall(inZone(details.recurrenceId, zone)) : null,
        start: wall(start),
        end: wall(end),
        start_utc: utc(start),
        end_utc: utc(end),
        all_day: start.isDate,
        status: item.getFirstPropertyValue("status"),
        summary: item.getFirstPropertyValue("summary"),
      });
      if (!event.isRecurring()) break;
    }
  }
  return found;
}

function offsets(zones, first, last) {
  // Wall-clock hours, as calendar apps read a DTSTART with a TZID: the offset ical.js gives
  // to each local hour (its UTC instant's distance from the wall clock read as UTC).
  const result = {};
  const stop = Date.UTC(last, 0, 1);
  for (const [tzid, zone] of Object.entries(zones)) {
    const changes = [];
    let previous = null;
    for (let ms = Date.UTC(first, 0, 1); ms < stop; ms += 3600 * 1000) {
      const w = new Date(ms);
      // Timezone.utcOffset is what ICAL.Time.toUnixTime asks for a zoned local time; a
      // plain object with the fields it reads avoids building 260 000 Time objects.
      const local = { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: 0, second: 0 };
      const offset = zone.utcOffset(local);
      if (offset !== previous) changes.push([ms / 1000, offset]);
      previous = offset;
    }
    result[tzid] = changes;
  }
  return result;
}

const [mode, ...args] = process.argv.slice(2);
const text = await readStdin();
const vcalendar = new ICAL.Component(ICAL.parse(text));
const zones = registerZones(vcalendar);
let output;
if (mode === "occurrences") output = occurrences(vcalendar, args[0] ?? "2046-01-01");
else if (mode === "offsets") output = offsets(zones, Number(args[0]), Number(args[1]));
else throw new Error(`unknown mode ${mode}: give occurrences or offsets`);
process.stdout.write(JSON.stringify(output));
