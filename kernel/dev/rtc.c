/* The MC146818-compatible CMOS clock (OSDev wiki, "CMOS"): index port 0x70, data
 * port 0x71; registers 0x00 seconds, 0x02 minutes, 0x04 hours, 0x07 day, 0x08
 * month, 0x09 year (two digits); status A bit 7 says an update is under way; status
 * B bit 2 says binary (else BCD), bit 1 says 24-hour (else bit 7 of the hour is PM).
 * The century is taken to be 20 (the FADT's century register is not read). */
#include "rtc.h"

#include <stdbool.h>

#include "../arch/x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_OFF	   0x80 /* kept set in the index: NMIs stay off while we read */
#define STATUS_A   0x0A
#define STATUS_B   0x0B
#define UPDATING   0x80
#define BINARY	   0x04
#define HOURS_24   0x02
#define PM	   0x80

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, NMI_OFF | reg);
	return inb(CMOS_DATA);
}

struct reading {
	uint8_t sec, min, hour, day, month, year;
};

static struct reading read_once(void)
{
	for (int i = 0; i < 100000 && (cmos(STATUS_A) & UPDATING); i++)
		;
	return (struct reading){cmos(0x00), cmos(0x02), cmos(0x04),
				cmos(0x07), cmos(0x08), cmos(0x09)};
}

static bool same(struct reading a, struct reading b)
{
	return a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
	       a.month == b.month && a.year == b.year;
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0F);
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian), by counting the
 * days before March 1 of the year shifted so that leap days come last. */
static uint64_t days_since_epoch(unsigned year, unsigned month, unsigned day)
{
	unsigned y = month <= 2 ? year - 1 : year;
	unsigned m = month <= 2 ? month + 9 : month - 3; /* March = 0 */
	uint64_t days = 365ull * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1;
	return days - 719468; /* the same count for 1970-01-01 */
}

uint64_t rtc_read_unix_seconds(void)
{
	struct reading r = read_once(), again;
	for (int tries = 0; tries < 5 && !same(r, again = read_once()); tries++)
		r = again; /* read twice alike: no update came in between */
	uint8_t b = cmos(STATUS_B);
	bool pm = !(b & HOURS_24) && (r.hour & PM);
	r.hour &= ~PM;
	unsigned sec = r.sec, min = r.min, hour = r.hour, day = r.day, month = r.month,
		 year = r.year;
	if (!(b & BINARY)) {
		sec = from_bcd(r.sec), min = from_bcd(r.min), hour = from_bcd(r.hour);
		day = from_bcd(r.day), month = from_bcd(r.month), year = from_bcd(r.year);
	}
	if (!(b & HOURS_24))
		hour = hour % 12 + (pm ? 12 : 0);
	if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || month < 1 || month > 12 ||
	    year > 99)
		return 0;
	return days_since_epoch(2000 + year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}
