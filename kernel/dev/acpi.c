/* ACPI table parsing; see acpi.h. Tables are packed and often misaligned, so every
 * field is read byte by byte, and only below a length that has already been checked. */
#include "acpi.h"

#include <stdarg.h>

#include "../lib/format.h"
#include "../lib/string.h"

/* Where the BIOS may put the RSDP (ACPI 6.4, 5.2.5.1): the first KiB of the EBDA,
 * whose real-mode segment is at 0x40E in the BIOS data area, then 0xE0000-0xFFFFF;
 * on 16-byte boundaries in both. The EBDA lies between the BDA and 640 KiB. */
#define BDA_EBDA_SEGMENT   0x40E
#define EBDA_LOWEST	   0x500
#define EBDA_END	   0xA0000
#define EBDA_SEARCH_LENGTH 1024
#define BIOS_AREA_START	   0xE0000
#define BIOS_AREA_END	   0x100000
#define RSDP_ALIGN	   16

/* RSDP (ACPI 6.4, table 5.3): the ACPI 1.0 part is 20 bytes, checksummed alone. */
#define RSDP_SIGNATURE	 0x2052545020445352ull /* "RSD PTR " as a little-endian word */
#define RSDP_CHECKSUMMED 20
#define RSDP_REVISION	 15
#define RSDP_RSDT	 16
#define RSDP_LENGTH	 20
#define RSDP_XSDT	 24
#define RSDP_V2_LENGTH	 36
#define RSDP_FIRST_V2	 2

/* System description table header (ACPI 6.4, table 5.4). */
#define TABLE_LENGTH 4
#define TABLE_HEADER 36

/* MADT (ACPI 6.4, 5.2.12). */
#define MADT_ENTRIES	 44 /* after the local APIC address and flags, which Keel does not use */
#define MADT_CPU_ENABLED (1u << 0)
enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_X2APIC = 9,
	MADT_KNOWN_TYPES = 10,
};
/* The shortest entry of each type this file reads; 0 for types it skips (such as 5,
 * the local APIC address override: the kernel reads that address from IA32_APIC_BASE). */
static const uint8_t madt_min_length[MADT_KNOWN_TYPES] = {
	[MADT_LAPIC] = 8,      [MADT_IOAPIC] = 12,   [MADT_OVERRIDE] = 10,
	[MADT_NMI_SOURCE] = 8, [MADT_LAPIC_NMI] = 6, [MADT_X2APIC] = 16,
};

/* FADT (ACPI 6.4, table 5.9): byte offsets, and the lengths that include a field. */
#define FADT_DSDT	   40
#define FADT_SMI_CMD	   48
#define FADT_ACPI_ENABLE   52
#define FADT_PM1A_CNT_BLK  64
#define FADT_PM1B_CNT_BLK  68
#define FADT_FLAGS	   112
#define FADT_V1_LENGTH	   116 /* ACPI 1.0's FADT ends after the flags */
#define FADT_RESET_REG	   116
#define FADT_RESET_VALUE   128
#define FADT_X_DSDT	   140
#define FADT_X_PM1A_CNT	   172
#define FADT_X_PM1B_CNT	   184
#define GAS_LENGTH	   12
#define FADT_RESET_REG_SUP (1u << 10)

/* AML (ACPI 6.4, 20.2): the opcodes a Name(_S5_, Package(){...}) is made of. */
#define AML_ZERO_OP	 0x00
#define AML_ONE_OP	 0x01
#define AML_NAME_OP	 0x08
#define AML_BYTE_PREFIX	 0x0A
#define AML_WORD_PREFIX	 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE_OP	 0x12
#define AML_ROOT_CHAR	 0x5C /* '\' */
#define AML_ONES_OP	 0xFF
#define AML_S5_NAME	 0x5F35535Fu /* "_S5_" as a little-endian word */

/* One acpi_init call: no state outlives it. */
struct acpi_ctx {
	void *(*phys_to_virt)(uint64_t phys);
	struct acpi_info *info;
	char *error;
	size_t error_size, error_used;
};

/* inline: gcc would otherwise call rd64 out of line, once per RSDP candidate. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Whether the table at hdr carries the 4-character signature sig. */
static bool has_signature(const uint8_t *hdr, const char *sig)
{
	return rd32(hdr) == rd32((const uint8_t *)sig);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	while (n--)
		sum += *p++;
	return sum;
}

static void append(struct acpi_ctx *c, const char *fmt, va_list args)
{
	if (c->error_used + 1 >= c->error_size)
		return; /* full (or no buffer) */
	int n = kvsnprintf(c->error + c->error_used, c->error_size - c->error_used, fmt, args);
	if (n > 0)
		c->error_used += (size_t)n < c->error_size - c->error_used
					 ? (size_t)n
					 : c->error_size - c->error_used - 1;
}

static void append_args(struct acpi_ctx *c, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	append(c, fmt, args);
	va_end(args);
}

/* Adds a message to the caller's error buffer, after a "; " if it is not the first. */
__attribute__((format(printf, 2, 3))) static void note(struct acpi_ctx *c, const char *fmt, ...)
{
	if (c->error_used)
		append_args(c, "; ");
	va_list args;
	va_start(args, fmt);
	append(c, fmt, args);
	va_end(args);
}

/* [phys, phys + length) as a pointer, or NULL if any of it is unreachable. */
static const uint8_t *map(const struct acpi_ctx *c, uint64_t phys, uint64_t length)
{
	if (length == 0 || phys + (length - 1) < phys)
		return NULL;
	const uint8_t *first = c->phys_to_virt(phys), *last = c->phys_to_virt(phys + length - 1);
	if (!first || !last || (uintptr_t)last - (uintptr_t)first != length - 1)
		return NULL;
	return first;
}

/* The header of the table at phys if it is reachable and has signature `sig`;
 * otherwise NULL, after a message. */
static const uint8_t *table_header(struct acpi_ctx *c, uint64_t phys, const char *sig)
{
	const uint8_t *hdr = phys ? map(c, phys, TABLE_HEADER) : NULL;
	if (!hdr)
		note(c, "%s at %#llx is unreachable, skipped", sig, (unsigned long long)phys);
	else if (!has_signature(hdr, sig))
		note(c, "%s at %#llx does not start with \"%s\", skipped", sig,
		     (unsigned long long)phys, sig);
	else
		return hdr;
	return NULL;
}

/* The whole table whose header `hdr` is at phys, if its length is sane, lies in
 * reachable memory and its checksum is right; otherwise NULL, after a message. */
static const uint8_t *checked_table(struct acpi_ctx *c, uint64_t phys, const uint8_t *hdr)
{
	uint32_t length = rd32(hdr + TABLE_LENGTH);
	const uint8_t *table = NULL;
	const char *problem = NULL;
	if (length < TABLE_HEADER || length > ACPI_MAX_TABLE_LENGTH)
		problem = "length out of range";
	else if (!(table = map(c, phys, length)))
		problem = "runs past reachable memory";
	else if (checksum(table, length) != 0)
		problem = "bad checksum";
	if (!problem)
		return table;
	note(c, "%.4s at %#llx (%u bytes): %s, skipped", (const char *)hdr,
	     (unsigned long long)phys, length, problem);
	return NULL;
}

/* An RSDP in [start, end) on a 16-byte boundary, wholly inside the range, with
 * good checksums; its physical address, or 0. Bad candidates are noted and skipped. */
static uint64_t scan_for_rsdp(struct acpi_ctx *c, uint64_t start, uint64_t end)
{
	const uint8_t *area = map(c, start, end - start);
	if (!area)
		return 0;
	size_t size = end - start;
	for (size_t off = 0; off + RSDP_CHECKSUMMED <= size; off += RSDP_ALIGN) {
		const uint8_t *p = area + off;
		unsigned long long phys = start + off;
		if (rd64(p) != RSDP_SIGNATURE) /* one load, not a memcmp call per candidate */
			continue;
		if (checksum(p, RSDP_CHECKSUMMED) != 0) {
			note(c, "RSDP at %#llx: bad checksum, ignored", phys);
			continue;
		}
		if (p[RSDP_REVISION] >= RSDP_FIRST_V2) {
			uint32_t length = off + RSDP_V2_LENGTH <= size ? rd32(p + RSDP_LENGTH) : 0;
			if (length < RSDP_V2_LENGTH || length > size - off) {
				note(c, "RSDP at %#llx: length %u out of range, ignored", phys,
				     length);
				continue;
			}
			if (checksum(p, length) != 0) {
				note(c, "RSDP at %#llx: bad extended checksum, ignored", phys);
				continue;
			}
		}
		return start + off;
	}
	return 0;
}

static uint64_t find_rsdp(struct acpi_ctx *c)
{
	const uint8_t *bda = map(c, BDA_EBDA_SEGMENT, 2);
	uint64_t ebda = bda ? (uint64_t)rd16(bda) << 4 : 0, rsdp = 0;
	if (ebda >= EBDA_LOWEST && ebda + EBDA_SEARCH_LENGTH <= EBDA_END)
		rsdp = scan_for_rsdp(c, ebda, ebda + EBDA_SEARCH_LENGTH);
	return rsdp ? rsdp : scan_for_rsdp(c, BIOS_AREA_START, BIOS_AREA_END);
}

/* The valid XSDT (when the RSDP is 2.0+ and names one) or else the valid RSDT. */
static const uint8_t *find_root_table(struct acpi_ctx *c, const uint8_t *rsdp)
{
	struct acpi_info *info = c->info;
	uint64_t xsdt = info->revision >= RSDP_FIRST_V2 ? rd64(rsdp + RSDP_XSDT) : 0;
	uint64_t rsdt = rd32(rsdp + RSDP_RSDT);
	const uint8_t *hdr;
	if (xsdt && (hdr = table_header(c, xsdt, "XSDT"))) {
		const uint8_t *table = checked_table(c, xsdt, hdr);
		if (table) {
			info->used_xsdt = true;
			return table;
		}
	}
	if (xsdt && rsdt)
		note(c, "using the RSDT instead");
	if (rsdt && (hdr = table_header(c, rsdt, "RSDT")))
		return checked_table(c, rsdt, hdr);
	if (!rsdt && !xsdt)
		note(c, "the RSDP names no RSDT or XSDT");
	return NULL;
}

/* Kinds of MADT entry kept in arrays of limited size. */
enum madt_kind { KIND_CPU, KIND_IOAPIC, KIND_OVERRIDE, KIND_NMI_SOURCE, KIND_LAPIC_NMI, KINDS };
static const char *const kind_names[KINDS] = {"CPUs", "I/O APICs", "interrupt source overrides",
					      "NMI sources", "local APIC NMIs"};

struct madt_counts {
	size_t *kept[KINDS];
	size_t cap[KINDS];
	unsigned seen[KINDS];
};

/* The index for one more entry of `kind`, or -1 if the array is full. */
static int madt_slot(struct madt_counts *n, enum madt_kind kind)
{
	n->seen[kind]++;
	if (*n->kept[kind] >= n->cap[kind])
		return -1;
	return (int)(*n->kept[kind])++;
}

static void madt_entry(struct acpi_info *info, struct madt_counts *n, const uint8_t *e)
{
	int i;
	switch (e[0]) {
	case MADT_LAPIC:
		if ((rd32(e + 4) & MADT_CPU_ENABLED) && (i = madt_slot(n, KIND_CPU)) >= 0)
			info->cpus[i] = (struct acpi_cpu){.apic_id = e[3], .uid = e[2]};
		break;
	case MADT_X2APIC:
		if ((rd32(e + 8) & MADT_CPU_ENABLED) && (i = madt_slot(n, KIND_CPU)) >= 0)
			info->cpus[i] =
				(struct acpi_cpu){.apic_id = rd32(e + 4), .uid = rd32(e + 12)};
		break;
	case MADT_IOAPIC:
		if ((i = madt_slot(n, KIND_IOAPIC)) >= 0)
			info->ioapics[i] = (struct acpi_ioapic){
				.id = e[2], .address = rd32(e + 4), .gsi_base = rd32(e + 8)};
		break;
	case MADT_OVERRIDE:
		if ((i = madt_slot(n, KIND_OVERRIDE)) >= 0)
			info->overrides[i] = (struct acpi_override){.bus = e[2],
								    .source_irq = e[3],
								    .gsi = rd32(e + 4),
								    .flags = rd16(e + 8)};
		break;
	case MADT_NMI_SOURCE:
		if ((i = madt_slot(n, KIND_NMI_SOURCE)) >= 0)
			info->nmi_sources[i] =
				(struct acpi_nmi_source){.gsi = rd32(e + 4), .flags = rd16(e + 2)};
		break;
	case MADT_LAPIC_NMI:
		if ((i = madt_slot(n, KIND_LAPIC_NMI)) >= 0)
			info->lapic_nmis[i] = (struct acpi_lapic_nmi){
				.processor_uid = e[2], .flags = rd16(e + 3), .lint = e[5]};
		break;
	default: break; /* a type Keel does not use: skipped by its length */
	}
}

/* Parses the checked MADT at phys. False (after a message) if an entry is malformed
 * or the table lists no enabled CPU or no I/O APIC. */
static bool parse_madt(struct acpi_ctx *c, const uint8_t *t, uint64_t phys)
{
	struct acpi_info *info = c->info;
	uint32_t length = rd32(t + TABLE_LENGTH);
	unsigned long long at = phys;
	info->madt_address = phys;
	if (length < MADT_ENTRIES) {
		note(c, "MADT at %#llx: %u bytes, too short", at, length);
		return false;
	}

	struct madt_counts n = {
		.kept = {&info->cpu_count, &info->ioapic_count, &info->override_count,
			 &info->nmi_source_count, &info->lapic_nmi_count},
		.cap = {ACPI_MAX_CPUS, ACPI_MAX_IOAPICS, ACPI_MAX_OVERRIDES, ACPI_MAX_NMI_SOURCES,
			ACPI_MAX_LAPIC_NMIS},
	};
	for (uint32_t off = MADT_ENTRIES; off < length;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0], size = length - off >= 2 ? e[1] : 0;
		if (size < 2 || size > length - off) {
			note(c, "MADT at %#llx: entry at offset %u (length %u) runs past the end",
			     at, off, size);
			return false;
		}
		if (type < MADT_KNOWN_TYPES && size < madt_min_length[type]) {
			note(c, "MADT at %#llx: type %u entry at offset %u is %u bytes, needs %u",
			     at, type, off, size, madt_min_length[type]);
			return false;
		}
		madt_entry(info, &n, e);
		off += size;
	}
	for (int k = 0; k < KINDS; k++) {
		if (n.seen[k] > n.cap[k]) {
			info->dropped += n.seen[k] - (unsigned)n.cap[k];
			note(c, "MADT lists %u %s, kept the first %zu", n.seen[k], kind_names[k],
			     n.cap[k]);
		}
	}
	if (info->cpu_count == 0 || info->ioapic_count == 0) {
		note(c, "MADT at %#llx lists no %s", at,
		     info->cpu_count == 0 ? "enabled CPU" : "I/O APIC");
		return false;
	}
	return true;
}

/* One AML integer constant (ACPI 6.4, 20.2.3) at aml[*pos], before `end`. */
static bool aml_integer(const uint8_t *aml, size_t *pos, size_t end, uint64_t *value)
{
	size_t p = *pos, bytes;
	if (p >= end)
		return false;
	switch (aml[p++]) {
	case AML_ZERO_OP:
		*value = 0;
		*pos = p;
		return true;
	case AML_ONE_OP:
		*value = 1;
		*pos = p;
		return true;
	case AML_ONES_OP:
		*value = ~0ull;
		*pos = p;
		return true;
	case AML_BYTE_PREFIX: bytes = 1; break;
	case AML_WORD_PREFIX: bytes = 2; break;
	case AML_DWORD_PREFIX: bytes = 4; break;
	case AML_QWORD_PREFIX: bytes = 8; break;
	default: return false;
	}
	if (end - p < bytes)
		return false;
	*value = 0;
	for (size_t i = 0; i < bytes; i++)
		*value |= (uint64_t)aml[p + i] << (8 * i);
	*pos = p + bytes;
	return true;
}

/* The OSDev "Shutdown" technique: not an AML interpreter but a byte search for
 *   NameOp ['\'] "_S5_" PackageOp PkgLength NumElements SLP_TYPa SLP_TYPb ...
 * with integer constants as elements (a one-element package holds both values, in
 * bits 0-7 and 8-15, as ACPICA reads it). Limits: it finds _S5_ only as a literal
 * Name in the DSDT (not in an SSDT, not a Method or computed values, nor a Name
 * qualified by a longer path); it takes the first such match, whatever its scope;
 * values are truncated to a byte, as ACPICA does. */
static bool aml_find_s5(const uint8_t *aml, size_t length, uint8_t *typa, uint8_t *typb)
{
	for (size_t i = 0; i + 4 <= length; i++) {
		if (rd32(aml + i) != AML_S5_NAME)
			continue;
		bool named = (i >= 1 && aml[i - 1] == AML_NAME_OP) ||
			     (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
		size_t p = i + 4;
		if (!named || length - p < 2 || aml[p] != AML_PACKAGE_OP)
			continue;
		p++;
		/* PkgLength (20.2.4): bits 7-6 of the lead byte count the bytes that
		 * follow; the length includes the PkgLength bytes themselves. */
		size_t follow = aml[p] >> 6, pkg_length = aml[p] & (follow ? 0x0F : 0x3F);
		if (length - p < follow + 1)
			continue;
		for (size_t k = 1; k <= follow; k++)
			pkg_length |= (size_t)aml[p + k] << (4 + 8 * (k - 1));
		if (pkg_length > length - p)
			continue;
		size_t end = p + pkg_length;
		p += 1 + follow;
		if (p >= end)
			continue;
		uint8_t elements = aml[p++];
		uint64_t a, b;
		if (elements == 0 || !aml_integer(aml, &p, end, &a))
			continue;
		if (elements == 1)
			b = a >> 8;
		else if (!aml_integer(aml, &p, end, &b))
			continue;
		*typa = (uint8_t)a;
		*typb = (uint8_t)b;
		return true;
	}
	return false;
}

static void parse_dsdt(struct acpi_ctx *c)
{
	struct acpi_info *info = c->info;
	const uint8_t *hdr = table_header(c, info->dsdt_address, "DSDT");
	const uint8_t *t = hdr ? checked_table(c, info->dsdt_address, hdr) : NULL;
	if (!t)
		return;
	uint32_t length = rd32(t + TABLE_LENGTH);
	info->have_s5 = aml_find_s5(t + TABLE_HEADER, length - TABLE_HEADER, &info->s5_slp_typa,
				    &info->s5_slp_typb);
	if (!info->have_s5)
		note(c, "no \\_S5_ package found in the DSDT");
}

static struct acpi_address read_gas(const uint8_t *p)
{
	return (struct acpi_address){.space = p[0],
				     .bit_width = p[1],
				     .bit_offset = p[2],
				     .access_size = p[3],
				     .address = rd64(p + 4)};
}

/* A PM1 control port: the 32-bit field, or if that is 0 the X_ field when the
 * table is long enough for it and it is in I/O space. */
static uint32_t pm1_port(const uint8_t *t, uint32_t length, size_t legacy, size_t extended)
{
	uint32_t port = rd32(t + legacy);
	if (port == 0 && length >= extended + GAS_LENGTH) {
		struct acpi_address x = read_gas(t + extended);
		if (x.space == ACPI_SPACE_IO && x.address <= UINT32_MAX)
			port = (uint32_t)x.address;
	}
	return port;
}

static void parse_fadt(struct acpi_ctx *c, const uint8_t *t, uint64_t phys)
{
	struct acpi_info *info = c->info;
	uint32_t length = rd32(t + TABLE_LENGTH);
	if (length < FADT_V1_LENGTH) {
		note(c, "FACP at %#llx: %u bytes, shorter than ACPI 1.0's %u, skipped",
		     (unsigned long long)phys, length, FADT_V1_LENGTH);
		return;
	}
	info->have_fadt = true;
	info->smi_command = rd32(t + FADT_SMI_CMD);
	info->acpi_enable = t[FADT_ACPI_ENABLE];
	info->pm1a_control = pm1_port(t, length, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT);
	info->pm1b_control = pm1_port(t, length, FADT_PM1B_CNT_BLK, FADT_X_PM1B_CNT);
	info->fadt_flags = rd32(t + FADT_FLAGS);
	if ((info->fadt_flags & FADT_RESET_REG_SUP) && length > FADT_RESET_VALUE) {
		info->reset_register = read_gas(t + FADT_RESET_REG);
		info->reset_value = t[FADT_RESET_VALUE];
		info->have_reset = info->reset_register.address != 0 &&
				   info->reset_register.space <= ACPI_SPACE_PCI_CONFIG;
	}
	uint64_t x_dsdt = length >= FADT_X_DSDT + 8 ? rd64(t + FADT_X_DSDT) : 0;
	info->dsdt_address = x_dsdt ? x_dsdt : rd32(t + FADT_DSDT);
	parse_dsdt(c);
}

/* The RSDP at `given` (UEFI's configuration table names it), or, when search_bios,
 * the one in the EBDA or the BIOS area. */
static bool acpi_init_from(void *(*phys_to_virt)(uint64_t phys), uint64_t given, bool search_bios,
			   struct acpi_info *out, char *error, size_t error_size)
{
	struct acpi_ctx ctx = {phys_to_virt, out, error, error_size, 0}, *c = &ctx;
	memset(out, 0, sizeof *out);
	if (error_size)
		error[0] = '\0';

	out->rsdp_address = search_bios ? find_rsdp(c)
			    : given	? scan_for_rsdp(c, given, given + RSDP_V2_LENGTH)
					: 0;
	const uint8_t *rsdp =
		out->rsdp_address ? map(c, out->rsdp_address, RSDP_CHECKSUMMED) : NULL;
	if (!rsdp) {
		out->status = ACPI_NO_RSDP;
		if (search_bios)
			note(c, "no ACPI: no valid RSDP in the EBDA or at 0xE0000-0xFFFFF");
		else if (given)
			note(c, "no ACPI: the RSDP UEFI gave, at %#llx, is not valid",
			     (unsigned long long)given);
		else
			note(c, "no ACPI: UEFI's configuration table names no RSDP");
		return false;
	}
	out->revision = rsdp[RSDP_REVISION];
	if (out->revision >= RSDP_FIRST_V2) /* the 2.0 fields were checked by find_rsdp */
		rsdp = map(c, out->rsdp_address, RSDP_V2_LENGTH);

	const uint8_t *root = find_root_table(c, rsdp);
	if (!root) {
		out->status = ACPI_NO_ROOT_TABLE;
		note(c, "no ACPI: no valid RSDT or XSDT");
		return false;
	}
	const char *root_name = out->used_xsdt ? "XSDT" : "RSDT";
	size_t entry_size = out->used_xsdt ? 8 : 4;
	uint32_t root_length = rd32(root + TABLE_LENGTH);
	const uint8_t *madt = NULL, *fadt = NULL;
	for (size_t off = TABLE_HEADER; off + entry_size <= root_length; off += entry_size) {
		uint64_t phys = entry_size == 8 ? rd64(root + off) : rd32(root + off);
		const uint8_t *hdr = phys ? map(c, phys, TABLE_HEADER) : NULL;
		if (!hdr) {
			note(c, "%s entry %zu (%#llx) is unreachable, skipped", root_name,
			     (off - TABLE_HEADER) / entry_size, (unsigned long long)phys);
		} else if (!madt && has_signature(hdr, "APIC")) {
			if ((madt = checked_table(c, phys, hdr)))
				out->madt_address = phys;
		} else if (!fadt && has_signature(hdr, "FACP")) {
			if ((fadt = checked_table(c, phys, hdr)))
				parse_fadt(c, fadt, phys);
		}
	}
	if (!fadt)
		note(c, "no FADT (FACP) in the %s", root_name);
	if (!madt) {
		out->status = ACPI_NO_MADT;
		note(c, "no MADT (APIC) in the %s", root_name);
		return false;
	}
	if (!parse_madt(c, madt, out->madt_address)) {
		out->status = ACPI_BAD_MADT;
		return false;
	}
	out->have_madt = true;
	return true;
}

bool acpi_init(void *(*phys_to_virt)(uint64_t phys), struct acpi_info *out, char *error,
	       size_t error_size)
{
	return acpi_init_from(phys_to_virt, 0, true, out, error, error_size);
}

bool acpi_init_at(void *(*phys_to_virt)(uint64_t phys), uint64_t rsdp, struct acpi_info *out,
		  char *error, size_t error_size)
{
	return acpi_init_from(phys_to_virt, rsdp, false, out, error, error_size);
}

struct acpi_irq_route acpi_isa_irq_route(const struct acpi_info *info, uint8_t irq)
{
	struct acpi_irq_route route = {.gsi = irq};
	uint16_t flags = 0;
	for (size_t i = 0; i < info->override_count; i++) {
		if (info->overrides[i].bus == 0 && info->overrides[i].source_irq == irq) {
			route.gsi = info->overrides[i].gsi;
			flags = info->overrides[i].flags;
			break;
		}
	}
	route.active_low = (flags & ACPI_POLARITY_MASK) == ACPI_POLARITY_LOW;
	route.level_triggered = (flags & ACPI_TRIGGER_MASK) == ACPI_TRIGGER_LEVEL;
	return route;
}
