/* ACPI tables: finds the RSDP, walks the RSDT or XSDT and reads the MADT (interrupt
 * controllers), the FADT (power-management ports, reset register) and \_S5_ from the
 * DSDT (soft-off). Pure parsing: physical memory is reached only through the
 * phys_to_virt function the caller passes, so the host tests run it over fake BIOS
 * memory. No global state, no allocation, no console output.
 *
 * Every table is checked before use: its signature, a length between the header size
 * and ACPI_MAX_TABLE_LENGTH that stays in reachable memory, and its checksum. A table
 * that fails is skipped with a message, never trusted. References: ACPI 6.4, sections
 * 5.2.5 (RSDP), 5.2.6 (header), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9 (FADT), 5.2.12 (MADT),
 * 20.2 (AML grammar). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries kept from the MADT; more are counted in `dropped` and reported. */
#define ACPI_MAX_CPUS	      64
#define ACPI_MAX_IOAPICS      8
#define ACPI_MAX_OVERRIDES    16
#define ACPI_MAX_NMI_SOURCES  8
#define ACPI_MAX_LAPIC_NMIS   64
#define ACPI_MAX_TABLE_LENGTH (4u << 20) /* longer than any real table: treat as corrupt */

/* MPS INTI flags of overrides and NMI entries (ACPI 6.4, table 5.26). "Conforms"
 * means the bus's default: for ISA, active high and edge triggered. */
#define ACPI_POLARITY_MASK     0x3
#define ACPI_POLARITY_CONFORMS 0x0
#define ACPI_POLARITY_HIGH     0x1
#define ACPI_POLARITY_LOW      0x3
#define ACPI_TRIGGER_MASK      0xC
#define ACPI_TRIGGER_CONFORMS  0x0
#define ACPI_TRIGGER_EDGE      0x4
#define ACPI_TRIGGER_LEVEL     0xC

/* Generic address structure address spaces (ACPI 6.4, table 5.1). */
#define ACPI_SPACE_MEMORY     0
#define ACPI_SPACE_IO	      1
#define ACPI_SPACE_PCI_CONFIG 2

/* Why acpi_init returned false. */
enum acpi_status {
	ACPI_OK,
	ACPI_NO_RSDP,	    /* no valid RSDP: no ACPI at all */
	ACPI_NO_ROOT_TABLE, /* neither the XSDT nor the RSDT is valid */
	ACPI_NO_MADT,	    /* no valid MADT ("APIC") in the root table */
	ACPI_BAD_MADT,	    /* a malformed entry, or no enabled CPU or no I/O APIC */
};

struct acpi_cpu {
	uint32_t apic_id; /* local APIC (or x2APIC) id */
	uint32_t uid;	  /* ACPI processor UID */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;  /* physical address of its registers */
	uint32_t gsi_base; /* global system interrupt of its input 0 */
};

/* "ISA IRQ source_irq arrives at GSI gsi, with these flags" (MADT type 2). */
struct acpi_override {
	uint8_t bus; /* 0: ISA */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags; /* ACPI_POLARITY_* | ACPI_TRIGGER_* */
};

struct acpi_nmi_source { /* MADT type 3: a GSI wired to NMI */
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_lapic_nmi {	       /* MADT type 4: a local APIC LINT pin wired to NMI */
	uint8_t processor_uid; /* 0xFF: all processors */
	uint8_t lint;	       /* 0 or 1 */
	uint16_t flags;
};

/* A generic address structure (ACPI 6.4, 5.2.3.2). */
struct acpi_address {
	uint8_t space; /* ACPI_SPACE_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

struct acpi_info {
	enum acpi_status status;
	uint64_t rsdp_address;
	uint8_t revision; /* the RSDP's: 0 for ACPI 1.0, 2 for 2.0 and later */
	bool used_xsdt;	  /* else the RSDT */

	/* MADT (valid when have_madt) */
	bool have_madt;
	uint64_t madt_address;
	size_t cpu_count, ioapic_count, override_count, nmi_source_count, lapic_nmi_count;
	struct acpi_cpu cpus[ACPI_MAX_CPUS]; /* enabled processors only, MADT order */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	unsigned dropped; /* entries beyond the caps above, not kept */

	/* FADT (valid when have_fadt; a port of 0 means "absent") */
	bool have_fadt;
	uint32_t fadt_flags;
	uint32_t smi_command; /* write acpi_enable here to enter ACPI mode, if SCI_EN is 0 */
	uint8_t acpi_enable;
	uint32_t pm1a_control; /* I/O ports of the PM1 control blocks */
	uint32_t pm1b_control;
	bool have_reset; /* RESET_REG_SUP set and the register usable */
	struct acpi_address reset_register;
	uint8_t reset_value;
	uint64_t dsdt_address; /* X_DSDT when present and non-zero, else DSDT */

	/* \_S5_ from the DSDT (valid when have_s5): write SLP_TYPx | SLP_EN to PM1x_CNT */
	bool have_s5;
	uint8_t s5_slp_typa, s5_slp_typb;
};

/* Finds and parses the tables. phys_to_virt maps a physical address to a pointer;
 * it may return NULL for an address the caller cannot reach (acpi then treats what
 * is there as absent), and must map a range contiguously if it maps both its ends.
 * (The kernel's direct map covers RAM and the first 4 GiB; a wrapper that returns NULL
 * above that keeps a corrupt 64-bit XSDT entry from faulting.)
 *
 * Returns true when a valid MADT with an enabled CPU and an I/O APIC was found: the
 * APIC fields can be trusted. Otherwise out->status says why (the kernel falls back to
 * the 8259s); the FADT and S5 fields are filled independently when their tables are
 * good. `error` receives NUL-terminated messages joined by "; ", truncated to fit:
 * on failure the reason ("no ACPI: ...", "no MADT ..."), and in any case what was
 * skipped (bad checksums, dropped entries, no FADT or _S5_). Empty when all is well.
 * error may be NULL if error_size is 0. */
bool acpi_init(void *(*phys_to_virt)(uint64_t phys), struct acpi_info *out, char *error,
	       size_t error_size);

/* The same from the RSDP at `rsdp`, as UEFI's configuration table gives it (0: it
 * gave none); no BIOS area is searched. */
bool acpi_init_at(void *(*phys_to_virt)(uint64_t phys), uint64_t rsdp, struct acpi_info *out,
		  char *error, size_t error_size);

/* Where ISA IRQ `irq` arrives: the MADT's override for it (bus 0, first match), or GSI
 * irq with ISA's defaults. Polarity and trigger are resolved ("conforms" is ISA's
 * active high, edge triggered). Does not check that an I/O APIC serves the GSI. */
struct acpi_irq_route {
	uint32_t gsi;
	bool active_low;
	bool level_triggered;
};
struct acpi_irq_route acpi_isa_irq_route(const struct acpi_info *info, uint8_t irq);
