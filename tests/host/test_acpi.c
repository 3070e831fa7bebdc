/* Host unit tests for kernel/dev/acpi.c. Each case lays out fake BIOS memory in an
 * arena (the EBDA pointer at 0x40E, an RSDP in the EBDA or at 0xE0000-0xFFFFF, and
 * tables shaped like QEMU's, built by the helpers below following ACPI 6.4), corrupts
 * what it is about, and checks what acpi_init makes of it. Three more cases replay the
 * real tables of QEMU pc, QEMU q35 and Bochs (tests/host/acpi_tables/, see extract.py).
 *
 * The arena is poisoned for AddressSanitizer except the BIOS data area, the EBDA
 * region, 0xE0000-0xFFFFF and the bytes of each table up to its declared length, so a
 * read past a table's end is reported even when memory follows it; phys_to_virt
 * returns NULL past the arena. tests/test_acpi.py builds this with ASan and UBSan
 * (acpi.c and format.c compiled on their own, freestanding; the fixtures are pulled in
 * with .incbin, relative to the repository root, where the compiler runs). Prints one
 * "group ... ok" or "group ... FAILED: ..." line per group; exits 0 only if all passed.
 * Arguments: --list, or group names. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/dev/acpi.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size)	((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

/* ---- the little framework ---------------------------------------------------- */

#include "unit.h"

#define CHECK_EQ(actual, expected)                                                  \
	CHECK((uint64_t)(actual) == (uint64_t)(expected),                           \
	      "line %d: %s is %#" PRIx64 ", expected %#" PRIx64, __LINE__, #actual, \
	      (uint64_t)(actual), (uint64_t)(expected))

static uint64_t rng_state = 0x4b45454c41435049ULL; /* fixed seed: same cases every run */

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- fake physical memory ------------------------------------------------------ */

#define ARENA_SIZE     0x120000 /* 1 MiB of BIOS-era memory, then room for tables */
#define TABLES_START   0x100000
#define EBDA_SEGMENT   0x9FC0 /* where SeaBIOS and Bochs put it */
#define EBDA_RSDP      0x9FC00
#define BIOS_AREA_RSDP 0xF59D0 /* where SeaBIOS put QEMU pc's */

static uint8_t *arena;
static size_t arena_size;
static uint64_t next_table;
static bool poison = true; /* false: every byte of the arena counts as memory */

static void *arena_virt(uint64_t phys)
{
	return phys < arena_size ? arena + phys : NULL;
}

static void arena_free(void)
{
	if (arena) {
		ASAN_UNPOISON_MEMORY_REGION(arena, arena_size);
		free(arena);
	}
	arena = NULL;
	arena_size = 0;
}

static void unpoison(uint64_t phys, size_t n)
{
	ASAN_UNPOISON_MEMORY_REGION(arena + phys, n);
}

/* Fresh zeroed memory: only the areas the BIOS leaves for an RSDP search are readable. */
static void arena_new(size_t size)
{
	arena_free();
	arena = calloc(1, size);
	if (!arena) {
		perror("calloc");
		exit(2);
	}
	arena_size = size;
	next_table = TABLES_START;
	if (!poison)
		return;
	ASAN_POISON_MEMORY_REGION(arena, size);
	unpoison(0x400, 0x100);	    /* BIOS data area */
	unpoison(0x80000, 0x20000); /* where an EBDA can be */
	unpoison(0xE0000, 0x20000); /* the BIOS area */
}

/* Copies n bytes to phys and makes `readable` bytes there readable. */
static void place(uint64_t phys, const void *bytes, size_t n, size_t readable)
{
	if (phys + n > arena_size) {
		fprintf(stderr, "test bug: %zu bytes at %#" PRIx64 " do not fit\n", n, phys);
		exit(2);
	}
	if (phys + readable > arena_size)
		readable = arena_size - phys;
	unpoison(phys, readable > n ? readable : n);
	memcpy(arena + phys, bytes, n);
	if (poison && readable < n) /* bytes past a table's declared end */
		ASAN_POISON_MEMORY_REGION(arena + phys + readable, n - readable);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

/* ---- building tables (ACPI 6.4, 5.2) ------------------------------------------- */

struct table {
	uint8_t b[8192];
	size_t len; /* bytes built; the length field may say otherwise */
};

static void t_init(struct table *t, const char *sig, uint8_t revision)
{
	memset(t, 0, sizeof *t);
	memcpy(t->b, sig, 4);
	t->b[8] = revision;
	memcpy(t->b + 10, "KEEL  ", 6);
	memcpy(t->b + 16, "KEELTEST", 8);
	put32(t->b + 24, 1);
	memcpy(t->b + 28, "KEEL", 4);
	put32(t->b + 32, 1);
	t->len = 36;
}

static void t_put(struct table *t, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		t->b[t->len++] = (uint8_t)(v >> (8 * i));
}

static void t_raw(struct table *t, const void *p, size_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

/* Sets the length field to `declared` and the checksum over what it covers. */
static void t_seal_as(struct table *t, uint32_t declared)
{
	put32(t->b + 4, declared);
	t->b[9] = 0;
	t->b[9] = (uint8_t)-sum(t->b, declared < t->len ? declared : t->len);
}

static void t_seal(struct table *t)
{
	t_seal_as(t, (uint32_t)t->len);
}

/* Places a table after the previous one, at an odd address (tables need not be
 * aligned; UBSan would catch a misaligned load), its declared length readable. */
static uint64_t put_table(const struct table *t)
{
	uint32_t declared = get32(t->b + 4);
	uint64_t phys = ((next_table + 15) & ~15ull) + 3;
	place(phys, t->b, declared < t->len ? declared : t->len, declared);
	next_table = phys + (declared > t->len ? declared : t->len) + 64;
	return phys;
}

/* MADT entries (ACPI 6.4, 5.2.12). */
static void madt_init(struct table *t, uint32_t lapic, uint32_t flags)
{
	t_init(t, "APIC", 1);
	t_put(t, lapic, 4);
	t_put(t, flags, 4);
}

static void madt_cpu(struct table *t, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t e[8] = {0, 8, uid, apic_id};
	put32(e + 4, flags);
	t_raw(t, e, sizeof e);
}

static void madt_ioapic(struct table *t, uint8_t id, uint32_t address, uint32_t gsi_base)
{
	uint8_t e[12] = {1, 12, id, 0};
	put32(e + 4, address);
	put32(e + 8, gsi_base);
	t_raw(t, e, sizeof e);
}

static void madt_override(struct table *t, uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	uint8_t e[10] = {2, 10, bus, irq};
	put32(e + 4, gsi);
	put16(e + 8, flags);
	t_raw(t, e, sizeof e);
}

static void madt_nmi_source(struct table *t, uint16_t flags, uint32_t gsi)
{
	uint8_t e[8] = {3, 8};
	put16(e + 2, flags);
	put32(e + 4, gsi);
	t_raw(t, e, sizeof e);
}

static void madt_lapic_nmi(struct table *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t e[6] = {4, 6, uid, 0, 0, lint};
	put16(e + 3, flags);
	t_raw(t, e, sizeof e);
}

static void madt_lapic_address(struct table *t, uint64_t address)
{
	uint8_t e[12] = {5, 12};
	put64(e + 4, address);
	t_raw(t, e, sizeof e);
}

static void madt_x2apic(struct table *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t e[16] = {9, 16};
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	t_raw(t, e, sizeof e);
}

/* The MADT QEMU's pc machine gives `cpus` CPUs (tests/host/acpi_tables/qemu-pc.bin). */
static void qemu_madt(struct table *t, int cpus)
{
	madt_init(t, 0xFEE00000, 1);
	for (int i = 0; i < cpus; i++)
		madt_cpu(t, (uint8_t)i, (uint8_t)i, 1);
	madt_ioapic(t, 0, 0xFEC00000, 0);
	madt_override(t, 0, 0, 2, 0);
	for (int irq = 5; irq <= 11; irq++)
		if (irq == 5 || irq >= 9)
			madt_override(t, 0, (uint8_t)irq, (uint32_t)irq, 0xD); /* level, high */
	madt_lapic_nmi(t, 0xFF, 0, 1);
	t_seal(t);
}

/* A FADT (ACPI 6.4, table 5.9) shaped like QEMU's: revision 1 is ACPI 1.0's 116 bytes
 * (QEMU pc, Bochs); revision 3 and up the 244 bytes of 2.0-5.x with RESET_REG (q35).
 * The DSDT fields are left 0: install() fills them. */
static void make_fadt(struct table *t, uint8_t revision)
{
	t_init(t, "FACP", revision);
	t->len = revision >= 3 ? 244 : 116;
	uint8_t *b = t->b;
	put16(b + 46, 9);      /* SCI_INT */
	put32(b + 48, 0xB2);   /* SMI_CMD */
	b[52] = 0xF1;	       /* ACPI_ENABLE */
	b[53] = 0xF0;	       /* ACPI_DISABLE */
	put32(b + 56, 0x600);  /* PM1a_EVT_BLK */
	put32(b + 64, 0x604);  /* PM1a_CNT_BLK */
	put32(b + 76, 0x608);  /* PM_TMR_BLK */
	put32(b + 80, 0xAFE0); /* GPE0_BLK */
	b[88] = 4;
	b[89] = 2;
	b[91] = 4;
	b[92] = 4;
	b[108] = 0x32;		/* CENTURY */
	put32(b + 112, 0x80A5); /* flags, as QEMU pc */
	if (revision >= 3) {
		put16(b + 109, 2);	/* IAPC_BOOT_ARCH: 8042 */
		put32(b + 112, 0x84A5); /* + RESET_REG_SUP */
		b[116] = ACPI_SPACE_IO; /* RESET_REG: port 0xCF9, 8 bits */
		b[117] = 8;
		put64(b + 120, 0xCF9);
		b[128] = 0x0F;		/* RESET_VALUE */
		b[172] = ACPI_SPACE_IO; /* X_PM1a_CNT_BLK */
		b[173] = 16;
		put64(b + 176, 0x604);
	}
}

/* What QEMU's and Bochs' DSDTs hold: Name (_S5, Package (0x04) {Zero, Zero, Zero, Zero}). */
static const uint8_t S5_QEMU[] = {0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12,
				  0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
/* Other AML a real DSDT has before \_S5_: Scope (\_SB) { Name (PICF, Zero) }. */
static const uint8_t AML_PROLOGUE[] = {0x10, 0x0C, 0x5C, 0x5F, 0x53, 0x42, 0x5F,
				       0x08, 0x50, 0x49, 0x43, 0x46, 0x00};

static void make_dsdt(struct table *t, const uint8_t *aml, size_t n)
{
	t_init(t, "DSDT", 1);
	t_raw(t, AML_PROLOGUE, sizeof AML_PROLOGUE);
	t_raw(t, aml, n);
	t_seal(t);
}

static void put_rsdp(uint64_t phys, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t r[36] = "RSD PTR ";
	memcpy(r + 9, "KEEL  ", 6);
	r[15] = revision;
	put32(r + 16, rsdt);
	if (revision >= 2) {
		put32(r + 20, 36);
		put64(r + 24, xsdt);
	}
	r[8] = (uint8_t)-sum(r, 20);
	if (revision >= 2)
		r[32] = (uint8_t)-sum(r, 36);
	place(phys, r, revision >= 2 ? 36 : 20, revision >= 2 ? 36 : 20);
}

static void set_ebda(uint16_t segment)
{
	uint8_t b[2];
	put16(b, segment);
	place(0x40E, b, 2, 2);
}

static uint64_t put_root(const char *sig, const uint64_t *entries, size_t n)
{
	static struct table t;
	t_init(&t, sig, 1);
	for (size_t i = 0; i < n; i++)
		t_put(&t, entries[i], sig[0] == 'X' ? 8 : 4);
	t_seal(&t);
	return put_table(&t);
}

/* The tables install() lays out; a case edits them first. */
static struct table madt, fadt, dsdt, hpet;

static void default_tables(void)
{
	qemu_madt(&madt, 2);
	make_fadt(&fadt, 1);
	make_dsdt(&dsdt, S5_QEMU, sizeof S5_QEMU);
	t_init(&hpet, "HPET", 1);
	t_put(&hpet, 0x8086A201, 4);
	hpet.len = 56;
	t_seal(&hpet);
}

struct machine {
	uint64_t rsdp, rsdt, xsdt, madt, fadt, dsdt, hpet;
};

enum {
	IN_BIOS_AREA = 1, /* the RSDP at 0xE0000-0xFFFFF, else in the EBDA */
	WITH_XSDT = 2,	  /* a 2.0 RSDP with an XSDT listing the same tables */
	NO_MADT = 4,
	NO_FADT = 8,
};

/* Fresh memory with the tables above, listed by an RSDT (and an XSDT). DSDT fields of
 * the FADT that are 0 are pointed at the DSDT. */
static struct machine install(unsigned how)
{
	struct machine m = {0};
	arena_new(ARENA_SIZE);
	set_ebda(EBDA_SEGMENT);
	m.dsdt = put_table(&dsdt);
	if (get32(fadt.b + 40) == 0)
		put32(fadt.b + 40, (uint32_t)m.dsdt);
	if (fadt.len >= 148 && get32(fadt.b + 140) == 0)
		put64(fadt.b + 140, m.dsdt);
	t_seal(&fadt);
	m.fadt = put_table(&fadt);
	m.hpet = put_table(&hpet);
	m.madt = put_table(&madt);
	uint64_t entries[3];
	size_t n = 0;
	if (!(how & NO_FADT))
		entries[n++] = m.fadt;
	entries[n++] = m.hpet;
	if (!(how & NO_MADT))
		entries[n++] = m.madt;
	m.rsdt = put_root("RSDT", entries, n);
	if (how & WITH_XSDT)
		m.xsdt = put_root("XSDT", entries, n);
	m.rsdp = how & IN_BIOS_AREA ? BIOS_AREA_RSDP : EBDA_RSDP;
	put_rsdp(m.rsdp, how & WITH_XSDT ? 2 : 0, (uint32_t)m.rsdt, m.xsdt);
	return m;
}

/* Re-seals a table already in memory after a case changed it there. */
static void reseal(uint64_t phys)
{
	uint8_t *t = arena + phys;
	t[9] = 0;
	t[9] = (uint8_t)-sum(t, get32(t + 4));
}

/* ---- running acpi_init ----------------------------------------------------------- */

static struct acpi_info info;
static char error[512];
static bool ok;

static void run(void)
{
	memset(&info, 0xA5, sizeof info); /* acpi_init must set every field */
	memset(error, 'X', sizeof error);
	ok = acpi_init(arena_virt, &info, error, sizeof error);
	CHECK(memchr(error, 0, sizeof error), "error is not NUL-terminated");
	CHECK(ok == (info.status == ACPI_OK), "returned %d with status %d", ok, info.status);
	CHECK(ok == info.have_madt, "returned %d with have_madt %d", ok, info.have_madt);
}

#define CHECK_STATUS(expected)                                                            \
	CHECK(info.status == (expected), "line %d: status %d, expected %s; error \"%s\"", \
	      __LINE__, info.status, #expected, error)
#define CHECK_ERROR(text)                                                                        \
	CHECK(strstr(error, text), "line %d: error \"%s\" does not say \"%s\"", __LINE__, error, \
	      text)
#define CHECK_NO_ERROR() \
	CHECK(error[0] == '\0', "line %d: unexpected error \"%s\"", __LINE__, error)

/* The default tables, parsed in full. */
static void check_default_machine(const struct machine *m)
{
	CHECK_STATUS(ACPI_OK);
	CHECK_NO_ERROR();
	CHECK_EQ(info.rsdp_address, m->rsdp);
	CHECK_EQ(info.madt_address, m->madt);
	CHECK_EQ(info.cpu_count, 2);
	CHECK_EQ(info.cpus[1].apic_id, 1);
	CHECK_EQ(info.ioapic_count, 1);
	CHECK_EQ(info.ioapics[0].address, 0xFEC00000);
	CHECK_EQ(info.override_count, 5);
	CHECK(info.have_fadt && info.have_s5, "have_fadt %d have_s5 %d", info.have_fadt,
	      info.have_s5);
	CHECK_EQ(info.dsdt_address, m->dsdt);
	CHECK_EQ(info.pm1a_control, 0x604);
}

/* ---- cases: finding the RSDP ------------------------------------------------------ */

static void rsdp_in_ebda(void)
{
	default_tables();
	struct machine m = install(0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.revision, 0);
	CHECK(!info.used_xsdt, "used an XSDT");
	check_default_machine(&m);

	/* The last 16-byte slot of the first KiB of the EBDA is still searched. */
	arena_new(ARENA_SIZE);
	set_ebda(EBDA_SEGMENT);
	uint64_t root[] = {put_table(&madt)};
	put_rsdp(EBDA_RSDP + 1024 - 32, 0, (uint32_t)put_root("RSDT", root, 1), 0);
	run();
	CHECK(ok, "RSDP in the EBDA's last slot: %s", error);
	CHECK_EQ(info.rsdp_address, EBDA_RSDP + 1024 - 32);
}

static void rsdp_in_bios_area(void)
{
	default_tables();
	struct machine m = install(IN_BIOS_AREA);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	check_default_machine(&m);

	/* No EBDA (segment 0), or one where none can be (0xF000:0): the BIOS area only. */
	set_ebda(0);
	run();
	CHECK_EQ(info.rsdp_address, BIOS_AREA_RSDP);
	set_ebda(0xF000);
	run();
	CHECK_EQ(info.rsdp_address, BIOS_AREA_RSDP);

	/* An EBDA RSDP wins over the BIOS area's. */
	put_rsdp(EBDA_RSDP + 0x10, 0, (uint32_t)m.rsdt, 0);
	set_ebda(EBDA_SEGMENT);
	run();
	CHECK_EQ(info.rsdp_address, EBDA_RSDP + 0x10);

	/* The highest slot where 20 bytes fit below 1 MiB. */
	default_tables();
	m = install(0);
	memset(arena + EBDA_RSDP, 0, 20);
	put_rsdp(0xFFFE0, 0, (uint32_t)m.rsdt, 0);
	run();
	CHECK_EQ(info.rsdp_address, 0xFFFE0);
	CHECK(ok, "RSDP at 0xFFFE0: %s", error);
}

static void no_rsdp(void)
{
	arena_new(ARENA_SIZE);
	set_ebda(EBDA_SEGMENT);
	run();
	CHECK(!ok, "acpi_init succeeded in empty memory");
	CHECK_STATUS(ACPI_NO_RSDP);
	CHECK_ERROR("no ACPI");
	CHECK(!info.have_fadt && !info.have_s5, "FADT or S5 without ACPI");

	/* A signature off the 16-byte grid is not an RSDP. */
	default_tables();
	install(IN_BIOS_AREA);
	memmove(arena + BIOS_AREA_RSDP + 8, arena + BIOS_AREA_RSDP, 20);
	memset(arena + BIOS_AREA_RSDP, 0, 8);
	run();
	CHECK_STATUS(ACPI_NO_RSDP);

	/* Nor is "RSD PTR " in memory outside the two areas. */
	default_tables();
	install(IN_BIOS_AREA);
	place(0x7000, arena + BIOS_AREA_RSDP, 20, 20);
	memset(arena + BIOS_AREA_RSDP, 0, 20);
	run();
	CHECK_STATUS(ACPI_NO_RSDP);
}

static void rsdp_bad_checksum_ignored(void)
{
	default_tables();
	struct machine m = install(IN_BIOS_AREA);
	put_rsdp(EBDA_RSDP, 0, 0x12345, 0);
	arena[EBDA_RSDP + 8]++; /* its checksum byte */
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.rsdp_address, m.rsdp);
	CHECK_ERROR("RSDP at 0x9fc00: bad checksum, ignored");

	arena[m.rsdp + 19]++; /* now both are bad */
	run();
	CHECK_STATUS(ACPI_NO_RSDP);
	CHECK_ERROR("RSDP at 0xf59d0: bad checksum");
	CHECK_ERROR("no ACPI");
}

static void rsdp_v2_bad_extended_checksum(void)
{
	default_tables();
	struct machine m = install(WITH_XSDT | IN_BIOS_AREA);
	run();
	CHECK(ok && info.revision == 2 && info.used_xsdt, "v2 RSDP: ok %d rev %d xsdt %d: %s", ok,
	      info.revision, info.used_xsdt, error);

	/* Bytes 20-35 changed, the 1.0 checksum still right: ignored. */
	arena[m.rsdp + 33]++;
	run();
	CHECK_STATUS(ACPI_NO_RSDP);
	CHECK_ERROR("bad extended checksum");

	/* A good 1.0 RSDP further on is used instead. */
	put_rsdp(m.rsdp + 0x40, 0, (uint32_t)m.rsdt, 0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.rsdp_address, m.rsdp + 0x40);
	CHECK(!info.used_xsdt, "used the XSDT of an ignored RSDP");

	/* A 2.0 RSDP whose length is below 36, or runs out of the BIOS area. */
	default_tables();
	m = install(WITH_XSDT | IN_BIOS_AREA);
	put32(arena + m.rsdp + 20, 20);
	arena[m.rsdp + 8] = 0;
	arena[m.rsdp + 8] = (uint8_t)-sum(arena + m.rsdp, 20);
	arena[m.rsdp + 32] = 0;
	arena[m.rsdp + 32] = (uint8_t)-sum(arena + m.rsdp, 36);
	run();
	CHECK_STATUS(ACPI_NO_RSDP);
	CHECK_ERROR("length 20 out of range");
	put_rsdp(0xFFFE0, 2, (uint32_t)m.rsdt, m.xsdt); /* 36 bytes would end past 1 MiB */
	run();
	CHECK_STATUS(ACPI_NO_RSDP);
}

/* ---- cases: the root table -------------------------------------------------------- */

static void xsdt_preferred_over_rsdt(void)
{
	default_tables();
	struct machine m = install(WITH_XSDT);
	/* The RSDT lists another MADT, with one CPU: the XSDT's (two CPUs) must win. */
	struct table other;
	qemu_madt(&other, 1);
	uint64_t other_at = put_table(&other);
	uint64_t rsdt_entries[] = {m.fadt, other_at};
	uint64_t rsdt = put_root("RSDT", rsdt_entries, 2);
	put_rsdp(m.rsdp, 2, (uint32_t)rsdt, m.xsdt);
	run();
	CHECK(ok && info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	CHECK_EQ(info.madt_address, m.madt);
	CHECK_EQ(info.cpu_count, 2);

	/* A 2.0 RSDP whose XSDT address is 0: the RSDT. */
	put_rsdp(m.rsdp, 2, (uint32_t)rsdt, 0);
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	CHECK_EQ(info.madt_address, other_at);

	/* A 1.0 RSDP never looks at bytes 24-31, whatever they hold. */
	put_rsdp(m.rsdp, 2, (uint32_t)rsdt, m.xsdt);
	arena[m.rsdp + 15] = 0;
	arena[m.rsdp + 8] = 0;
	arena[m.rsdp + 8] = (uint8_t)-sum(arena + m.rsdp, 20);
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
}

static void rsdt_only(void)
{
	default_tables();
	struct machine m = install(0);
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	check_default_machine(&m);

	/* Tables in any order, and ones Keel does not use, are fine. */
	uint64_t entries[] = {m.hpet, m.madt, m.hpet, m.fadt};
	put_rsdp(m.rsdp, 0, (uint32_t)put_root("RSDT", entries, 4), 0);
	run();
	check_default_machine(&m);
}

static void xsdt_bad_falls_back_to_rsdt(void)
{
	default_tables();
	struct machine m = install(WITH_XSDT);
	arena[m.xsdt + 40]++;
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	CHECK_ERROR("XSDT at");
	CHECK_ERROR("bad checksum, skipped");
	CHECK_ERROR("using the RSDT instead");

	/* An XSDT address pointing at something else. */
	put_rsdp(m.rsdp, 2, (uint32_t)m.rsdt, m.madt);
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	CHECK_ERROR("does not start with \"XSDT\"");

	/* An XSDT beyond memory (a 64-bit address). */
	put_rsdp(m.rsdp, 2, (uint32_t)m.rsdt, 0x100000000000ull);
	run();
	CHECK(ok && !info.used_xsdt, "ok %d used_xsdt %d: %s", ok, info.used_xsdt, error);
	CHECK_ERROR("XSDT at 0x100000000000 is unreachable");
}

static void root_table_invalid(void)
{
	default_tables();
	struct machine m = install(0);
	arena[m.rsdt + 36]++;
	run();
	CHECK_STATUS(ACPI_NO_ROOT_TABLE);
	CHECK_ERROR("RSDT at");
	CHECK_ERROR("no ACPI: no valid RSDT or XSDT");

	default_tables();
	m = install(0);
	put_rsdp(m.rsdp, 0, (uint32_t)m.madt, 0); /* an RSDT address that is not one */
	run();
	CHECK_STATUS(ACPI_NO_ROOT_TABLE);
	CHECK_ERROR("does not start with \"RSDT\"");

	put_rsdp(m.rsdp, 0, 0, 0);
	run();
	CHECK_STATUS(ACPI_NO_ROOT_TABLE);
	CHECK_ERROR("names no RSDT or XSDT");

	/* Both bad: nothing to fall back to. */
	default_tables();
	m = install(WITH_XSDT);
	arena[m.xsdt + 9]++;
	arena[m.rsdt + 9]++;
	run();
	CHECK_STATUS(ACPI_NO_ROOT_TABLE);
}

/* ---- cases: table validation -------------------------------------------------------- */

static void table_bad_checksum_skipped(void)
{
	/* The RSDT lists a corrupt MADT first and a good one after it. */
	default_tables();
	struct machine m = install(0);
	struct table bad;
	qemu_madt(&bad, 4);
	bad.b[9]++;
	uint64_t bad_at = put_table(&bad);
	uint64_t entries[] = {bad_at, m.fadt, m.madt};
	put_rsdp(m.rsdp, 0, (uint32_t)put_root("RSDT", entries, 3), 0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.madt_address, m.madt);
	CHECK_EQ(info.cpu_count, 2);
	char expected[80];
	snprintf(expected, sizeof expected,
		 "APIC at %#" PRIx64 " (144 bytes): bad checksum, skipped", bad_at);
	CHECK_ERROR(expected);

	/* A corrupt FADT: no FADT, no S5; the MADT still counts. */
	default_tables();
	m = install(0);
	arena[m.fadt + 64] ^= 0x10;
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK(!info.have_fadt && !info.have_s5 && info.pm1a_control == 0,
	      "used a FADT with a bad checksum");
	CHECK_ERROR("FACP at");
	CHECK_ERROR("no FADT (FACP) in the RSDT");

	/* Only a corrupt MADT: no MADT. */
	default_tables();
	m = install(0);
	arena[m.madt + 50] ^= 1;
	run();
	CHECK_STATUS(ACPI_NO_MADT);
	CHECK_ERROR("bad checksum");
	CHECK_ERROR("no MADT (APIC)");
}

static void table_length_out_of_range(void)
{
	static const uint32_t bad_lengths[] = {0, 20, 35, 0xFFFFFFFF, ACPI_MAX_TABLE_LENGTH + 1};
	for (size_t i = 0; i < sizeof bad_lengths / sizeof bad_lengths[0]; i++) {
		default_tables();
		struct machine m = install(0);
		put32(arena + m.madt + 4, bad_lengths[i]);
		run();
		CHECK_STATUS(ACPI_NO_MADT);
		CHECK_ERROR("length out of range");
	}

	/* A length that is plausible but runs past the end of memory. */
	default_tables();
	struct machine m = install(0);
	uint64_t near_end = arena_size - 100;
	place(near_end, madt.b, 100, 100);
	put32(arena + near_end + 4, 300);
	uint64_t entries[] = {near_end, m.fadt};
	put_rsdp(m.rsdp, 0, (uint32_t)put_root("RSDT", entries, 2), 0);
	run();
	CHECK_STATUS(ACPI_NO_MADT);
	CHECK_ERROR("runs past reachable memory");

	/* Entries that point nowhere (0, past memory, a header cut by its end). */
	uint64_t nowhere[] = {0, 0xFFFFFFF0, arena_size - 10, m.madt, m.fadt};
	put_rsdp(m.rsdp, 0, (uint32_t)put_root("RSDT", nowhere, 5), 0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_ERROR("RSDT entry 0 (0) is unreachable");
	CHECK_ERROR("RSDT entry 1 (0xfffffff0) is unreachable");
	CHECK_ERROR("RSDT entry 2");

	/* An RSDT whose length leaves half an entry: the half is not read as one. */
	struct table root;
	t_init(&root, "RSDT", 1);
	t_put(&root, m.madt, 4);
	t_put(&root, 0xFFFF, 2);
	t_seal(&root);
	put_rsdp(m.rsdp, 0, (uint32_t)put_table(&root), 0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_ERROR("no FADT");
}

/* ---- cases: the MADT ------------------------------------------------------------------ */

static void madt_entries_parsed(void)
{
	default_tables();
	madt_init(&madt, 0xFEE00000, 1);
	madt_cpu(&madt, 0, 0, 1);
	madt_cpu(&madt, 1, 2, 0); /* disabled: not listed */
	madt_cpu(&madt, 2, 4, 3); /* enabled and online capable */
	/* Type 5, local APIC address override: Keel reads IA32_APIC_BASE, so skipped. */
	madt_lapic_address(&madt, 0xFED00000ull);
	madt_x2apic(&madt, 0x1234, 1, 7);
	madt_x2apic(&madt, 0x1235, 2, 8); /* online capable only: not listed */
	madt_ioapic(&madt, 8, 0xFEC00000, 0);
	madt_ioapic(&madt, 9, 0xFEC01000, 24);
	madt_override(&madt, 0, 0, 2, 0);
	madt_override(&madt, 0, 9, 20, ACPI_POLARITY_LOW | ACPI_TRIGGER_LEVEL);
	madt_override(&madt, 1, 4, 30, ACPI_POLARITY_HIGH | ACPI_TRIGGER_EDGE);
	madt_nmi_source(&madt, ACPI_POLARITY_LOW | ACPI_TRIGGER_LEVEL, 23);
	madt_lapic_nmi(&madt, 0xFF, ACPI_POLARITY_HIGH | ACPI_TRIGGER_EDGE, 1);
	madt_lapic_nmi(&madt, 2, 0, 0);
	uint8_t unknown[] = {0x7F, 5, 1, 2, 3}; /* a type from the future: skipped */
	t_raw(&madt, unknown, sizeof unknown);
	uint8_t gicc[8] = {0x0B, 8}; /* an ARM type: skipped by its length */
	t_raw(&madt, gicc, sizeof gicc);
	t_seal(&madt);
	install(0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_NO_ERROR();
	CHECK_EQ(info.cpu_count, 3);
	CHECK_EQ(info.cpus[0].apic_id, 0);
	CHECK_EQ(info.cpus[1].apic_id, 4);
	CHECK_EQ(info.cpus[1].uid, 2);
	CHECK_EQ(info.cpus[2].apic_id, 0x1234);
	CHECK_EQ(info.cpus[2].uid, 7);
	CHECK_EQ(info.ioapic_count, 2);
	CHECK_EQ(info.ioapics[1].id, 9);
	CHECK_EQ(info.ioapics[1].address, 0xFEC01000);
	CHECK_EQ(info.ioapics[1].gsi_base, 24);
	CHECK_EQ(info.override_count, 3);
	CHECK_EQ(info.overrides[1].source_irq, 9);
	CHECK_EQ(info.overrides[1].gsi, 20);
	CHECK_EQ(info.overrides[1].flags, ACPI_POLARITY_LOW | ACPI_TRIGGER_LEVEL);
	CHECK_EQ(info.overrides[2].bus, 1);
	CHECK_EQ(info.nmi_source_count, 1);
	CHECK_EQ(info.nmi_sources[0].gsi, 23);
	CHECK_EQ(info.nmi_sources[0].flags, 0xF);
	CHECK_EQ(info.lapic_nmi_count, 2);
	CHECK_EQ(info.lapic_nmis[0].processor_uid, 0xFF);
	CHECK_EQ(info.lapic_nmis[0].lint, 1);
	CHECK_EQ(info.lapic_nmis[0].flags, 5);
	CHECK_EQ(info.lapic_nmis[1].processor_uid, 2);
	CHECK_EQ(info.dropped, 0);
}

static void madt_caps_truncate(void)
{
	default_tables();
	madt_init(&madt, 0xFEE00000, 1);
	for (int i = 0; i < ACPI_MAX_CPUS + 6; i++)
		madt_cpu(&madt, (uint8_t)i, (uint8_t)i, 1);
	for (int i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&madt, (uint8_t)i, 0xFEC00000 + 0x1000 * (uint32_t)i, 24 * (uint32_t)i);
	for (int i = 0; i < ACPI_MAX_OVERRIDES + 4; i++)
		madt_override(&madt, 0, (uint8_t)i, (uint32_t)i + 100, 0);
	for (int i = 0; i < ACPI_MAX_NMI_SOURCES + 1; i++)
		madt_nmi_source(&madt, 0, (uint32_t)i);
	for (int i = 0; i < ACPI_MAX_LAPIC_NMIS + 1; i++)
		madt_lapic_nmi(&madt, (uint8_t)i, 0, 1);
	t_seal(&madt);
	install(0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.cpu_count, ACPI_MAX_CPUS);
	CHECK_EQ(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1); /* the first kept */
	CHECK_EQ(info.ioapic_count, ACPI_MAX_IOAPICS);
	CHECK_EQ(info.override_count, ACPI_MAX_OVERRIDES);
	CHECK_EQ(info.overrides[ACPI_MAX_OVERRIDES - 1].gsi, ACPI_MAX_OVERRIDES - 1 + 100);
	CHECK_EQ(info.nmi_source_count, ACPI_MAX_NMI_SOURCES);
	CHECK_EQ(info.lapic_nmi_count, ACPI_MAX_LAPIC_NMIS);
	CHECK_EQ(info.dropped, 6 + 2 + 4 + 1 + 1);
	CHECK_ERROR("MADT lists 70 CPUs, kept the first 64");
	CHECK_ERROR("MADT lists 10 I/O APICs, kept the first 8");
	CHECK_ERROR("MADT lists 20 interrupt source overrides, kept the first 16");
}

static void madt_truncated(void)
{
	/* The length ends in the middle of the I/O APIC entry (checksum over that length). */
	default_tables();
	qemu_madt(&madt, 1);
	t_seal_as(&madt, 44 + 8 + 6);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("entry at offset 52 (length 12) runs past the end");

	/* One byte after the last whole entry: no entry header fits. */
	default_tables();
	qemu_madt(&madt, 1);
	madt.len++;
	t_seal(&madt);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("runs past the end");

	/* The length ends after the CPUs: well formed, but no I/O APIC. */
	default_tables();
	qemu_madt(&madt, 2);
	t_seal_as(&madt, 44 + 16);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("lists no I/O APIC");

	/* Shorter than the MADT's own fields. */
	default_tables();
	qemu_madt(&madt, 1);
	t_seal_as(&madt, 40);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("40 bytes, too short");

	/* Every CPU disabled. */
	default_tables();
	madt_init(&madt, 0xFEE00000, 1);
	madt_cpu(&madt, 0, 0, 0);
	madt_ioapic(&madt, 0, 0xFEC00000, 0);
	t_seal(&madt);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("lists no enabled CPU");
}

static void madt_entry_length_zero(void)
{
	for (uint8_t length = 0; length < 2; length++) {
		default_tables();
		madt_init(&madt, 0xFEE00000, 1);
		madt_cpu(&madt, 0, 0, 1);
		uint8_t bad[2] = {0x7F, length};
		t_raw(&madt, bad, 2);
		madt_ioapic(&madt, 0, 0xFEC00000, 0);
		t_seal(&madt);
		install(0);
		run(); /* returns: a loop here would hang the test (and the kernel) */
		CHECK_STATUS(ACPI_BAD_MADT);
		CHECK_ERROR("entry at offset 52 (length");
	}
}

static void madt_entry_too_short_for_type(void)
{
	static const struct {
		uint8_t type, length;
	} cases_[] = {{0, 6}, {1, 8}, {2, 8}, {3, 6}, {4, 5}, {9, 12}};
	for (size_t i = 0; i < sizeof cases_ / sizeof cases_[0]; i++) {
		default_tables();
		madt_init(&madt, 0xFEE00000, 1);
		madt_cpu(&madt, 0, 0, 1);
		madt_ioapic(&madt, 0, 0xFEC00000, 0);
		uint8_t e[16] = {cases_[i].type, cases_[i].length, 1, 1, 1, 1};
		t_raw(&madt, e, cases_[i].length);
		t_seal(&madt);
		install(0);
		run();
		CHECK_STATUS(ACPI_BAD_MADT);
		char expected[64];
		snprintf(expected, sizeof expected, "type %u entry at offset 64 is %u bytes",
			 cases_[i].type, cases_[i].length);
		CHECK_ERROR(expected);
	}

	/* A type Keel does not read, such as 5 (local APIC address override), has no
	 * minimum: a short one is skipped by its length and the next entry still read... */
	default_tables();
	madt_init(&madt, 0xFEE00000, 1);
	madt_cpu(&madt, 0, 0, 1);
	uint8_t short_override[8] = {5, 8, 0, 0, 0, 0, 0xD0, 0xFE};
	t_raw(&madt, short_override, sizeof short_override);
	madt_ioapic(&madt, 0, 0xFEC00000, 0);
	t_seal(&madt);
	install(0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_NO_ERROR();
	CHECK_EQ(info.ioapic_count, 1);
	CHECK_EQ(info.ioapics[0].address, 0xFEC00000);

	/* ...but its length must still stay within the table. */
	default_tables();
	madt_init(&madt, 0xFEE00000, 1);
	madt_cpu(&madt, 0, 0, 1);
	madt_ioapic(&madt, 0, 0xFEC00000, 0);
	uint8_t overlong[8] = {5, 12};
	t_raw(&madt, overlong, sizeof overlong);
	t_seal(&madt);
	install(0);
	run();
	CHECK_STATUS(ACPI_BAD_MADT);
	CHECK_ERROR("entry at offset 64 (length 12) runs past the end");
}

static void missing_madt(void)
{
	default_tables();
	install(NO_MADT);
	run();
	CHECK(!ok, "acpi_init succeeded without a MADT");
	CHECK_STATUS(ACPI_NO_MADT);
	CHECK_ERROR("no MADT (APIC) in the RSDT");
	/* The FADT is still read: power-off does not need the APIC. */
	CHECK(info.have_fadt && info.have_s5 && info.pm1a_control == 0x604,
	      "have_fadt %d have_s5 %d pm1a %#x", info.have_fadt, info.have_s5, info.pm1a_control);

	default_tables();
	install(NO_MADT | WITH_XSDT);
	run();
	CHECK_ERROR("no MADT (APIC) in the XSDT");

	default_tables();
	install(NO_MADT | NO_FADT);
	run();
	CHECK_STATUS(ACPI_NO_MADT);
	CHECK_ERROR("no FADT (FACP)");

	/* A table whose signature differs from "APIC" or "FACP" in one byte is not one. */
	static const char *const near_misses[] = {"XPIC", "AXIC", "APXC", "APIB", "FACQ"};
	for (size_t i = 0; i < sizeof near_misses / sizeof near_misses[0]; i++) {
		default_tables();
		memcpy(hpet.b, near_misses[i], 4);
		t_seal(&hpet);
		install(NO_MADT | NO_FADT);
		run();
		CHECK(info.status == ACPI_NO_MADT && !info.have_fadt,
		      "%s taken for a MADT or FADT: status %d, have_fadt %d", near_misses[i],
		      info.status, info.have_fadt);
	}
}

static void isa_irq_routes(void)
{
	struct acpi_info routes = {0};
	routes.override_count = 4;
	routes.overrides[0] = (struct acpi_override){0, 0, 2, 0};
	routes.overrides[1] =
		(struct acpi_override){0, 9, 9, ACPI_POLARITY_LOW | ACPI_TRIGGER_LEVEL};
	routes.overrides[2] = (struct acpi_override){1, 4, 40, ACPI_POLARITY_LOW};
	routes.overrides[3] = (struct acpi_override){0, 9, 33, 0}; /* a duplicate: first wins */
	struct acpi_irq_route r = acpi_isa_irq_route(&routes, 0);
	CHECK(r.gsi == 2 && !r.active_low && !r.level_triggered, "IRQ 0 -> %u %d %d", r.gsi,
	      r.active_low, r.level_triggered);
	r = acpi_isa_irq_route(&routes, 9);
	CHECK(r.gsi == 9 && r.active_low && r.level_triggered, "IRQ 9 -> %u %d %d", r.gsi,
	      r.active_low, r.level_triggered);
	r = acpi_isa_irq_route(&routes, 4); /* the override for bus 1 is not ISA's */
	CHECK(r.gsi == 4 && !r.active_low && !r.level_triggered, "IRQ 4 -> %u %d %d", r.gsi,
	      r.active_low, r.level_triggered);
	r = acpi_isa_irq_route(&routes, 1);
	CHECK(r.gsi == 1 && !r.active_low && !r.level_triggered, "IRQ 1 -> %u %d %d", r.gsi,
	      r.active_low, r.level_triggered);
	routes.overrides[0].flags = ACPI_POLARITY_HIGH | ACPI_TRIGGER_EDGE;
	r = acpi_isa_irq_route(&routes, 0);
	CHECK(!r.active_low && !r.level_triggered, "explicit high/edge: %d %d", r.active_low,
	      r.level_triggered);
}

/* ---- cases: the FADT ---------------------------------------------------------------- */

static void fadt_acpi1_fields(void)
{
	default_tables();
	fadt.b[112 + 1] |= 0x04; /* RESET_REG_SUP in a table too short for RESET_REG */
	put32(fadt.b + 68, 0x704);
	struct machine m = install(0);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_EQ(info.smi_command, 0xB2);
	CHECK_EQ(info.acpi_enable, 0xF1);
	CHECK_EQ(info.pm1a_control, 0x604);
	CHECK_EQ(info.pm1b_control, 0x704);
	CHECK(!info.have_reset, "a reset register in a 116-byte FADT");
	CHECK_EQ(info.dsdt_address, m.dsdt);

	/* Shorter than ACPI 1.0's FADT: not used. */
	default_tables();
	fadt.len = 100;
	install(0);
	run();
	CHECK(ok && !info.have_fadt && !info.have_s5, "ok %d have_fadt %d", ok, info.have_fadt);
	CHECK_ERROR("100 bytes, shorter than ACPI 1.0's 116");
}

static void fadt_reset_register(void)
{
	default_tables();
	make_fadt(&fadt, 4);
	install(0);
	run();
	CHECK(ok && info.have_reset, "ok %d have_reset %d: %s", ok, info.have_reset, error);
	CHECK_EQ(info.reset_register.space, ACPI_SPACE_IO);
	CHECK_EQ(info.reset_register.bit_width, 8);
	CHECK_EQ(info.reset_register.address, 0xCF9);
	CHECK_EQ(info.reset_value, 0x0F);

	/* Flag clear: the register is not to be used, whatever is there. */
	default_tables();
	make_fadt(&fadt, 4);
	fadt.b[113] &= (uint8_t)~0x04;
	install(0);
	run();
	CHECK(!info.have_reset, "RESET_REG used without RESET_REG_SUP");

	/* Address 0, or an address space Keel cannot write (functional fixed hardware). */
	default_tables();
	make_fadt(&fadt, 4);
	put64(fadt.b + 120, 0);
	install(0);
	run();
	CHECK(!info.have_reset, "RESET_REG at address 0 used");
	default_tables();
	make_fadt(&fadt, 4);
	fadt.b[116] = 0x7F;
	install(0);
	run();
	CHECK(!info.have_reset, "RESET_REG in FFH space used");

	/* Memory and PCI configuration spaces are reported as they are. */
	default_tables();
	make_fadt(&fadt, 4);
	fadt.b[116] = ACPI_SPACE_PCI_CONFIG;
	put64(fadt.b + 120, 0x0000001F00000044ull);
	install(0);
	run();
	CHECK(info.have_reset && info.reset_register.space == ACPI_SPACE_PCI_CONFIG &&
		      info.reset_register.address == 0x0000001F00000044ull,
	      "PCI config reset register: %d %d %#" PRIx64, info.have_reset,
	      info.reset_register.space, info.reset_register.address);
}

static void fadt_extended_fields(void)
{
	/* X_DSDT wins over DSDT: the 32-bit field points at a corrupt copy. */
	default_tables();
	make_fadt(&fadt, 4);
	struct machine m = install(0);
	struct table bad_dsdt = dsdt;
	bad_dsdt.b[40] ^= 0xFF;
	uint64_t bad_at = put_table(&bad_dsdt);
	put32(arena + m.fadt + 40, (uint32_t)bad_at);
	reseal(m.fadt);
	run();
	CHECK(ok && info.have_s5, "ok %d have_s5 %d: %s", ok, info.have_s5, error);
	CHECK_EQ(info.dsdt_address, m.dsdt);
	CHECK_NO_ERROR();

	/* X_DSDT 0: the 32-bit field. */
	put64(arena + m.fadt + 140, 0);
	put32(arena + m.fadt + 40, (uint32_t)m.dsdt);
	reseal(m.fadt);
	run();
	CHECK_EQ(info.dsdt_address, m.dsdt);
	CHECK(info.have_s5, "no S5 through the 32-bit DSDT field");

	/* PM1a_CNT_BLK 0: X_PM1a_CNT_BLK when it is an I/O port. */
	put32(arena + m.fadt + 64, 0);
	put64(arena + m.fadt + 176, 0x1004);
	reseal(m.fadt);
	run();
	CHECK_EQ(info.pm1a_control, 0x1004);
	arena[m.fadt + 172] = ACPI_SPACE_MEMORY;
	reseal(m.fadt);
	run();
	CHECK_EQ(info.pm1a_control, 0);
}

/* ---- cases: \_S5_ in the DSDT -------------------------------------------------------------- */

struct s5_case {
	const char *what;
	uint8_t aml[80];
	size_t len;
	int typa, typb; /* -1: no S5 */
};

static void check_s5_cases(const struct s5_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		default_tables();
		make_dsdt(&dsdt, c[i].aml, c[i].len);
		install(0);
		run();
		if (c[i].typa < 0) {
			CHECK(!info.have_s5, "%s: found S5 %u/%u", c[i].what, info.s5_slp_typa,
			      info.s5_slp_typb);
			CHECK_ERROR("no \\_S5_ package found in the DSDT");
		} else {
			CHECK(info.have_s5 && info.s5_slp_typa == c[i].typa &&
				      info.s5_slp_typb == c[i].typb,
			      "%s: have_s5 %d, %u/%u, expected %d/%d", c[i].what, info.have_s5,
			      info.s5_slp_typa, info.s5_slp_typb, c[i].typa, c[i].typb);
		}
	}
}

#define S5 0x08, 0x5F, 0x53, 0x35, 0x5F /* NameOp "_S5_" */

static void s5_integer_encodings(void)
{
	/* Byte sequences as iasl 20200925 compiles Name (_S5, Package () {...}) with the
	 * values shown (and Scope, Method, string for the decoys). */
	static const struct s5_case cases_[] = {
		{"QEMU/Bochs: Zero x4", {S5, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00}, 12, 0, 0},
		{"BytePrefix",
		 {S5, 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00},
		 14,
		 5,
		 5},
		{"OneOp", {S5, 0x12, 0x04, 0x02, 0x01, 0x01}, 10, 1, 1},
		{"WordPrefix",
		 {S5, 0x12, 0x08, 0x02, 0x0B, 0x07, 0x01, 0x0B, 0x06, 0x03},
		 14,
		 7,
		 6},
		{"DWordPrefix",
		 {S5, 0x12, 0x09, 0x02, 0x0C, 0x45, 0x23, 0x01, 0x00, 0x0A, 0x07},
		 15,
		 0x45,
		 7},
		{"QWordPrefix",
		 {S5, 0x12, 0x0D, 0x02, 0x0E, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0x0A, 0x07},
		 19,
		 0x89,
		 7},
		{"OnesOp", {S5, 0x12, 0x05, 0x02, 0xFF, 0x0A, 0x07}, 11, 0xFF, 7},
		{"one element: a in bits 0-7, b in 8-15",
		 {S5, 0x12, 0x05, 0x01, 0x0B, 0x05, 0x07},
		 11,
		 5,
		 7},
		{"root prefix: Name (\\_S5, ...) inside Scope (\\_SB)",
		 {0x10, 0x12, 0x5F, 0x53, 0x42, 0x5F, 0x08, 0x5C, 0x5F, 0x53, 0x35, 0x5F, 0x12,
		  0x06, 0x02, 0x0A, 0x07, 0x0A, 0x07},
		 19,
		 7,
		 7},
		{"two-byte PkgLength",
		 {S5, 0x12, 0x45, 0x04, 0x40, 0x0A, 0x03, 0x0A, 0x04}, /* then 62 ZeroOps */
		 75,
		 3,
		 4},
		{"after a string \"_S5_\" and a Method _S5",
		 {0x08, 0x58, 0x53, 0x35, 0x5F, 0x0D, 0x5F, 0x53, 0x35, 0x5F, 0x00, /* string */
		  0x14, 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x00, 0xA4, 0x00,		    /* method */
		  S5,	0x12, 0x06, 0x02, 0x0A, 0x06, 0x0A, 0x06},
		 33,
		 6,
		 6},
	};
	check_s5_cases(cases_, sizeof cases_ / sizeof cases_[0]);
}

static void s5_absent_or_malformed(void)
{
	static const struct s5_case cases_[] = {
		{"no _S5_ at all",
		 {0x08, 0x5F, 0x53, 0x34, 0x5F, 0x12, 0x03, 0x01, 0x00},
		 9,
		 -1,
		 -1},
		{"Method (_S5) returning a package",
		 {0x14, 0x0D, 0x5F, 0x53, 0x35, 0x5F, 0x00, 0xA4, 0x12, 0x05, 0x02, 0x01, 0x0A,
		  0x02},
		 14,
		 -1,
		 -1},
		{"a string \"_S5_\"", {0x0D, 0x5F, 0x53, 0x35, 0x5F, 0x00}, 6, -1, -1},
		{"near misses: _X5_, _SX_, _S5X",
		 {0x08, 0x5F, 0x58, 0x35, 0x5F, 0x12, 0x03, 0x01, 0x00,
		  0x08, 0x5F, 0x53, 0x58, 0x5F, 0x12, 0x03, 0x01, 0x00,
		  0x08, 0x5F, 0x53, 0x35, 0x58, 0x12, 0x03, 0x01, 0x00},
		 27,
		 -1,
		 -1},
		{"_S5_ at the very end", {S5}, 5, -1, -1},
		{"PackageOp at the very end", {S5, 0x12}, 6, -1, -1},
		{"PkgLength past the end",
		 {S5, 0x12, 0x20, 0x02, 0x0A, 0x05, 0x0A, 0x05},
		 12,
		 -1,
		 -1},
		{"PkgLength bytes cut off", {S5, 0x12, 0xC5}, 7, -1, -1},
		{"package of no elements", {S5, 0x12, 0x02, 0x00}, 8, -1, -1},
		{"element is a name, not an integer",
		 {S5, 0x12, 0x07, 0x02, 0x53, 0x4C, 0x50, 0x41, 0x00},
		 13,
		 -1,
		 -1},
		{"second element missing in the package",
		 {S5, 0x12, 0x04, 0x02, 0x0A, 0x05, 0x0A, 0x05},
		 12,
		 -1,
		 -1},
		{"WordPrefix cut by the end of the package",
		 {S5, 0x12, 0x05, 0x02, 0x00, 0x0B, 0x05},
		 11,
		 -1,
		 -1},
	};
	check_s5_cases(cases_, sizeof cases_ / sizeof cases_[0]);

	/* A bad DSDT is skipped with a message; no S5. */
	default_tables();
	struct machine m = install(0);
	arena[m.dsdt + 40] ^= 1;
	run();
	CHECK(ok && !info.have_s5, "ok %d have_s5 %d", ok, info.have_s5);
	CHECK_ERROR("DSDT at");
	CHECK_ERROR("bad checksum, skipped");

	/* A DSDT address that is not a DSDT, or 0. */
	put32(arena + m.fadt + 40, (uint32_t)m.madt);
	reseal(m.fadt);
	run();
	CHECK(!info.have_s5, "S5 from a table that is not the DSDT");
	CHECK_ERROR("does not start with \"DSDT\"");
	put32(arena + m.fadt + 40, (uint32_t)m.dsdt);
	reseal(m.fadt);
	arena[m.dsdt + 3] = 'U'; /* "DSDU" */
	reseal(m.dsdt);
	run();
	CHECK(!info.have_s5, "S5 from a table signed DSDU");
	CHECK_ERROR("does not start with \"DSDT\"");
	arena[m.dsdt + 3] = 'T';
	reseal(m.dsdt);
	put32(arena + m.fadt + 40, 0);
	reseal(m.fadt);
	run();
	CHECK(!info.have_s5, "S5 from DSDT address 0");
	CHECK_ERROR("DSDT at 0 is unreachable");
}

/* ---- cases: the real tables of QEMU and Bochs ------------------------------------------ */

#define FIXTURE(name, file)                                                                 \
	__asm__(".pushsection .rodata\n.balign 8\n" #name ":\n.incbin \"" file "\"\n" #name \
		"_end:\n.popsection\n");                                                    \
	extern const uint8_t name[], name##_end[]

FIXTURE(qemu_pc_tables, "tests/host/acpi_tables/qemu-pc.bin");
FIXTURE(qemu_q35_tables, "tests/host/acpi_tables/qemu-q35.bin");
FIXTURE(bochs_tables, "tests/host/acpi_tables/bochs.bin");

/* Puts each (u64 address, u32 length, bytes) record back where the BIOS had it. */
static void load_fixture(const uint8_t *start, const uint8_t *end)
{
	uint64_t top = 0x100000;
	for (const uint8_t *p = start; p + 12 <= end; p += 12 + get32(p + 8)) {
		uint64_t at = get32(p) | (uint64_t)get32(p + 4) << 32;
		if (at + get32(p + 8) > top)
			top = at + get32(p + 8);
	}
	arena_new((top + 0xFFF) & ~0xFFFull);
	for (const uint8_t *p = start; p + 12 <= end; p += 12 + get32(p + 8)) {
		uint64_t at = get32(p) | (uint64_t)get32(p + 4) << 32;
		place(at, p + 12, get32(p + 8), get32(p + 8));
	}
}

static void check_qemu_common(void)
{
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_NO_ERROR();
	CHECK_EQ(info.revision, 0);
	CHECK_EQ(info.cpu_count, 1);
	CHECK_EQ(info.cpus[0].apic_id, 0);
	CHECK_EQ(info.ioapic_count, 1);
	CHECK_EQ(info.ioapics[0].id, 0);
	CHECK_EQ(info.ioapics[0].address, 0xFEC00000);
	CHECK_EQ(info.ioapics[0].gsi_base, 0);
	CHECK_EQ(info.override_count, 5);
	struct acpi_irq_route r = acpi_isa_irq_route(&info, 0);
	CHECK(r.gsi == 2 && !r.active_low && !r.level_triggered, "IRQ 0 -> %u", r.gsi);
	r = acpi_isa_irq_route(&info, 9); /* the SCI: level, active high */
	CHECK(r.gsi == 9 && !r.active_low && r.level_triggered, "IRQ 9 -> %u %d %d", r.gsi,
	      r.active_low, r.level_triggered);
	r = acpi_isa_irq_route(&info, 1);
	CHECK(r.gsi == 1 && !r.level_triggered, "IRQ 1 -> %u", r.gsi);
	CHECK_EQ(info.lapic_nmi_count, 1);
	CHECK_EQ(info.lapic_nmis[0].processor_uid, 0xFF);
	CHECK_EQ(info.lapic_nmis[0].lint, 1);
	CHECK(info.have_fadt, "no FADT");
	CHECK_EQ(info.smi_command, 0xB2);
	CHECK_EQ(info.pm1a_control, 0x604);
	CHECK_EQ(info.pm1b_control, 0);
	CHECK_EQ(info.dsdt_address, 0xFE0040);
	CHECK(info.have_s5 && info.s5_slp_typa == 0 && info.s5_slp_typb == 0, "S5: %d %u/%u",
	      info.have_s5, info.s5_slp_typa, info.s5_slp_typb);
}

static void real_qemu_pc(void)
{
	load_fixture(qemu_pc_tables, qemu_pc_tables_end);
	run();
	check_qemu_common();
	CHECK_EQ(info.rsdp_address, 0xF59D0);
	CHECK_EQ(info.madt_address, 0xFE19CC);
	CHECK_EQ(info.acpi_enable, 0xF1);
	CHECK(!info.have_reset, "a reset register in QEMU pc's ACPI 1.0 FADT");
}

static void real_qemu_q35(void)
{
	load_fixture(qemu_q35_tables, qemu_q35_tables_end);
	run();
	check_qemu_common();
	CHECK_EQ(info.rsdp_address, 0xF59E0);
	CHECK_EQ(info.acpi_enable, 0x02);
	CHECK(info.have_reset && info.reset_register.space == ACPI_SPACE_IO &&
		      info.reset_register.address == 0xCF9 && info.reset_value == 0x0F,
	      "reset register: %d space %u at %#" PRIx64 " value %#x", info.have_reset,
	      info.reset_register.space, info.reset_register.address, info.reset_value);
}

static void real_bochs(void)
{
	load_fixture(bochs_tables, bochs_tables_end);
	run();
	CHECK(ok, "acpi_init failed: %s", error);
	CHECK_NO_ERROR();
	CHECK_EQ(info.rsdp_address, 0xF9FA0);
	CHECK_EQ(info.cpu_count, 1);
	CHECK_EQ(info.ioapic_count, 1);
	CHECK_EQ(info.ioapics[0].id, 1);
	CHECK_EQ(info.ioapics[0].address, 0xFEC00000);
	CHECK_EQ(info.override_count, 1);
	CHECK_EQ(acpi_isa_irq_route(&info, 0).gsi, 2);
	CHECK_EQ(info.pm1a_control, 0xB004);
	CHECK(!info.have_reset, "a reset register in Bochs' ACPI 1.0 FADT");
	CHECK(info.have_s5 && info.s5_slp_typa == 0 && info.s5_slp_typb == 0, "S5: %d %u/%u",
	      info.have_s5, info.s5_slp_typa, info.s5_slp_typb);
}

/* ---- cases: robustness -------------------------------------------------------------------- */

static void error_buffer_limits(void)
{
	arena_new(ARENA_SIZE);
	struct acpi_info quiet;
	CHECK(!acpi_init(arena_virt, &quiet, NULL, 0), "succeeded without an RSDP");
	CHECK(quiet.status == ACPI_NO_RSDP, "status %d", quiet.status);

	/* Buffers of exact sizes: ASan reports a write past them. */
	for (size_t size = 1; size <= 24; size += 7) {
		char *small = malloc(size);
		memset(small, 'X', size);
		acpi_init(arena_virt, &quiet, small, size);
		CHECK(strlen(small) == size - 1, "size %zu: message of %zu chars", size,
		      strlen(small));
		CHECK(!strncmp(small, "no ACPI: no valid RSDP", size - 1), "size %zu: \"%s\"", size,
		      small);
		free(small);
	}

	/* Many messages: truncated, never overflowing. */
	default_tables();
	struct machine m = install(0);
	uint64_t nowhere[40];
	for (size_t i = 0; i < 40; i++)
		nowhere[i] = 0xFFFFF000 + i;
	put_rsdp(m.rsdp, 0, (uint32_t)put_root("RSDT", nowhere, 40), 0);
	char *buf = malloc(100);
	acpi_init(arena_virt, &quiet, buf, 100);
	CHECK(strlen(buf) == 99, "long message of %zu chars", strlen(buf));
	free(buf);
}

/* A random table (or RSDP) gets random bytes changed, and half the time its
 * checksums fixed so the parser goes further in. Whatever happens, acpi_init must
 * return, read nothing outside memory (ASan), and report consistent results. */
static void corrupted_tables_survive(void)
{
	poison = false; /* a corrupted length may cover memory past a table: that is memory */
	for (int iter = 0; iter < 3000; iter++) {
		default_tables();
		if (rng() % 2)
			make_fadt(&fadt, 4);
		struct machine m = install(rng() % 2 ? WITH_XSDT : 0);
		const uint64_t targets[] = {m.rsdp, m.rsdt, m.xsdt ? m.xsdt : m.rsdt,
					    m.madt, m.fadt, m.dsdt};
		size_t which = rng() % 6;
		uint64_t at = targets[which];
		uint32_t length = which == 0 ? 36 : get32(arena + at + 4);
		for (int flips = 1 + (int)(rng() % 4); flips > 0; flips--) {
			/* half the time in the header and the fields after it */
			uint32_t off = (uint32_t)(rng() % (rng() % 2 && length > 48 ? 48 : length));
			arena[at + off] = (uint8_t)rng();
		}
		if (rng() % 2) {
			if (which == 0) {
				arena[at + 8] = 0;
				arena[at + 8] = (uint8_t)-sum(arena + at, 20);
				arena[at + 32] = 0;
				arena[at + 32] = (uint8_t)-sum(arena + at, 36);
			} else if (get32(arena + at + 4) <= arena_size - at) {
				reseal(at);
			}
		}
		memset(error, 'X', sizeof error);
		ok = acpi_init(arena_virt, &info, error, sizeof error);
		CHECK(memchr(error, 0, sizeof error), "iteration %d: error not terminated", iter);
		CHECK(ok == (info.status == ACPI_OK) && ok == info.have_madt,
		      "iteration %d: ok %d status %d have_madt %d", iter, ok, info.status,
		      info.have_madt);
		CHECK(info.cpu_count <= ACPI_MAX_CPUS && info.ioapic_count <= ACPI_MAX_IOAPICS &&
			      info.override_count <= ACPI_MAX_OVERRIDES &&
			      info.nmi_source_count <= ACPI_MAX_NMI_SOURCES &&
			      info.lapic_nmi_count <= ACPI_MAX_LAPIC_NMIS,
		      "iteration %d: a count over its cap", iter);
		CHECK(!ok || (info.cpu_count && info.ioapic_count),
		      "iteration %d: ok without a CPU or I/O APIC", iter);
	}
	poison = true;
}

/* Random AML around "_S5_" patterns, in a DSDT that ends exactly where its bytes do
 * (ASan reports any read past it). */
static void s5_search_stays_in_bounds(void)
{
	static const uint8_t pieces[] = {0x08, 0x5C, 0x5F, 0x53, 0x35, 0x12, 0x0A, 0x0B,
					 0x0C, 0x0E, 0x00, 0x01, 0xFF, 0x40, 0x80, 0xC0};
	for (int iter = 0; iter < 3000; iter++) {
		uint8_t aml[40] = {0};
		size_t n = (size_t)(rng() % sizeof aml);
		for (size_t i = 0; i < n; i++)
			aml[i] = pieces[rng() % sizeof pieces];
		if (n >= 6 && rng() % 2) {
			size_t at = (size_t)(rng() % (n - 5));
			memcpy(aml + at, (const uint8_t[]){S5, 0x12}, 6);
		}
		default_tables();
		t_init(&dsdt, "DSDT", 1);
		t_raw(&dsdt, aml, n);
		t_seal(&dsdt);
		install(0);
		run();
		CHECK(ok, "iteration %d: acpi_init failed: %s", iter, error);
	}
}

/* ---- the groups, in order ----------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(rsdp_in_ebda),
	GROUP(rsdp_in_bios_area),
	GROUP(no_rsdp),
	GROUP(rsdp_bad_checksum_ignored),
	GROUP(rsdp_v2_bad_extended_checksum),
	GROUP(xsdt_preferred_over_rsdt),
	GROUP(rsdt_only),
	GROUP(xsdt_bad_falls_back_to_rsdt),
	GROUP(root_table_invalid),
	GROUP(table_bad_checksum_skipped),
	GROUP(table_length_out_of_range),
	GROUP(madt_entries_parsed),
	GROUP(madt_caps_truncate),
	GROUP(madt_truncated),
	GROUP(madt_entry_length_zero),
	GROUP(madt_entry_too_short_for_type),
	GROUP(missing_madt),
	GROUP(isa_irq_routes),
	GROUP(fadt_acpi1_fields),
	GROUP(fadt_reset_register),
	GROUP(fadt_extended_fields),
	GROUP(s5_integer_encodings),
	GROUP(s5_absent_or_malformed),
	GROUP(real_qemu_pc),
	GROUP(real_qemu_q35),
	GROUP(real_bochs),
	GROUP(error_buffer_limits),
	GROUP(corrupted_tables_survive),
	GROUP(s5_search_stays_in_bounds),
};

static const struct unit_hooks hooks = {NULL, NULL, arena_free};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], &hooks, argc, argv);
}
