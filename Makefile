# Keel: make builds the kernel and disk images; `make help` lists the targets.

# RELEASE=1: the release kernel, built in build/release with its images there too.
# Its heap writes and checks no canaries (HEAP_CANARIES in kernel/mm/heap.h); every
# other check stays.
RELEASE ?= 0
ifeq ($(RELEASE),1)
BUILD   ?= build/release
DISK    ?= build/release
endif
BUILD   ?= build
DISK    ?= disk
CC      = gcc
HOSTCC  = gcc
NASM    ?= nasm
LD      ?= ld
OBJCOPY ?= objcopy
QEMU    ?= qemu-system-x86_64

# Extra zero KiB appended to the loaded image (benchmarks measure load-time scaling).
KERNEL_PAD_KIB ?= 0
# KERNEL_TEST=1 builds the test kernel: KTESTs, fault scenarios and UBSan.
KERNEL_TEST ?= 0

# Disk images are whole cylinders of 16 heads x 63 sectors (the geometry Bochs and
# QEMU derive for a flat image). The ESP makes every image over 2 MiB: SeaBIOS will
# not boot an AHCI or virtio disk smaller than 1 MiB.
CYLINDER_SECTORS := 1008
FLOPPY_SECTORS   := 2880
# The EFI system partition (partition 2): FAT12, from the first cylinder after the
# kernel (partition 1) to the end of the image, at least ESP_MIN_SECTORS (2 MiB).
# Partitions end on cylinders: QEMU (hw/block/hd-geometry.c) and many BIOSes guess
# the disk's geometry from where the partitions end, and the boot sector reads CHS.
ESP_ALIGN        := $(CYLINDER_SECTORS)
ESP_MIN_SECTORS  := 4096

# Test code, kernel/test/ and every *_test.c (and *_test.asm), is built into the test
# kernel only.
ALL_KERNEL_SRCS := $(sort $(shell find kernel -name '*.c'))
TEST_ONLY_SRCS := $(filter kernel/test/% %_test.c,$(ALL_KERNEL_SRCS))
ifeq ($(KERNEL_TEST),1)
KERNEL_SRCS := $(ALL_KERNEL_SRCS)
else
KERNEL_SRCS := $(filter-out $(TEST_ONLY_SRCS),$(ALL_KERNEL_SRCS))
endif
ALL_KERNEL_ASMS := $(sort $(shell find kernel -name '*.asm'))
ifeq ($(KERNEL_TEST),1)
KERNEL_ASMS := $(ALL_KERNEL_ASMS)
else
KERNEL_ASMS := $(filter-out kernel/test/% %_test.asm,$(ALL_KERNEL_ASMS))
endif
KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(BUILD)/%.o) $(KERNEL_ASMS:%.asm=$(BUILD)/%.o)
ifneq ($(words $(KERNEL_OBJS)),$(words $(sort $(KERNEL_OBJS))))
$(error a .c and a .asm in kernel/ share a name, so they would make one object)
endif

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) \
	-ffreestanding -nostdlib -fno-builtin -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mcmodel=kernel -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fstack-protector-strong \
	-mstack-protector-guard=global -ffile-prefix-map=$(CURDIR)=. -MMD -MP
# gcc turns the loops in memset/memcpy into calls to themselves unless told not to.
ifeq ($(findstring clang,$(CC)),)
KERNEL_CFLAGS += -fno-tree-loop-distribute-patterns
endif
ifeq ($(BOCHS_BREAK),1)
KERNEL_CFLAGS += -DKEEL_BOCHS_BREAK
NASM_DEFINES += -D BOCHS_BREAK
endif
# KERNEL_AUTORUN=cmd: the shell runs cmd first (tests use it where no one can type).
ifneq ($(KERNEL_AUTORUN),)
KERNEL_CFLAGS += -DKEEL_AUTORUN='"$(KERNEL_AUTORUN)"'
endif
TEST_KERNEL_CFLAGS := -DKEEL_TEST -fsanitize=undefined
ifeq ($(KERNEL_TEST),1)
KERNEL_CFLAGS += $(TEST_KERNEL_CFLAGS)
endif
ifeq ($(RELEASE),1)
KERNEL_CFLAGS += -DHEAP_CANARIES=0 -DLOCK_DEBUG=0
endif
KERNEL_LDFLAGS := -nostdlib -static -no-pie --build-id=none -z max-page-size=0x1000 \
	-z noexecstack -T link.ld

# Options are not files, so make cannot see them change: each set is written to a
# file of its own on every run, which keeps its old date when the text is the same,
# and the rules built with those options depend on it. `make BOCHS_BREAK=1` after
# `make` then rebuilds, deleting a source file relinks, and a new padding redoes
# kernel.load only.
.DEFAULT_GOAL := all

BUILD_OPTIONS = $(CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) $(NASM_DEFINES) ESP=$(ESP_ALIGN),$(ESP_MIN_SECTORS)

# A recipe line: $@.new replaces $@ only when it differs, so $@ keeps its date when
# nothing changed and what depends on it is not rebuilt.
replace_if_changed = if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

# $(file) runs as the recipe is expanded, before its lines (so mkdir by $(shell) too),
# and even under make -n or -q: then it is skipped. (A dry run still lists what the
# options feed as if they had changed: FORCE.)
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))
write_option_file = $(if $(DRY_RUN),,$(shell mkdir -p $(@D))$(file >$@.new,$1))

$(BUILD)/options: FORCE
	$(call write_option_file,$(BUILD_OPTIONS))
	@$(replace_if_changed)
$(BUILD)/parts: FORCE
	$(call write_option_file,$(KERNEL_OBJS))
	@$(replace_if_changed)
$(BUILD)/padding: FORCE
	$(call write_option_file,$(KERNEL_PAD_KIB))
	@$(replace_if_changed)

FORCE:

# Goals that install missing tools first (tools/deps). Under make -j nothing may be
# built before that has finished, so the rules that run a compiler or an assembler
# wait for it (order-only: deps is never out of date for them).
NEEDS_DEPS := run run-floppy run-usb run-vga run-uefi gdb gdb-boot bochs bochs-floppy usb screenshot \
	test lint bench
DEPS_FIRST := $(if $(filter $(NEEDS_DEPS),$(MAKECMDGOALS)),deps)

QEMU_COMMON := -m 128M -nic none -no-reboot -boot reboot-timeout=0 \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: FORCE all help deps run run-floppy run-usb run-vga run-uefi test test-kernel kshell-image lint bench size clean \
	gdb gdb-boot bochs bochs-floppy screenshot usb
.DELETE_ON_ERROR:

all: $(BUILD)/kernel.elf $(BUILD)/kernel.bin $(DISK)/hdd.img $(DISK)/floppy.img

help:
	@echo "make            build build/kernel.elf, build/kernel.bin, disk/hdd.img, disk/floppy.img"
	@echo "make run        boot disk/hdd.img in QEMU, serial console here (quit: Ctrl-A X)"
	@echo "make run-floppy boot disk/floppy.img the same way"
	@echo "make run-usb    boot disk/hdd.img as a USB stick behind an xHCI controller"
	@echo "make run-vga    boot disk/hdd.img in a QEMU window"
	@echo "make run-uefi   boot disk/hdd.img under UEFI firmware (OVMF), serial console here"
	@echo "                (UEFI_VGA=1: in a QEMU window, the framebuffer console)"
	@echo "make test       every test; ends with 'N passed, N failed'"
	@echo "make lint       clang-format check and cppcheck over the C sources"
	@echo "make bench      boot, allocators, scheduler; system calls and busybox against Linux;"
	@echo "                the fuzzer's 1,000,000 calls (not in make test)"
	@echo "make size       bytes left in the boot sector, and the kernel's size"
	@echo "make gdb        QEMU paused + GDB with build/kernel.elf, stopped at kmain"
	@echo "make gdb-boot   the same for the boot sector, in real mode, from 0x7C00"
	@echo "make bochs      Bochs' debugger with kernel and boot-sector symbols (bochs-floppy too)"
	@echo "make usb DEV=/dev/sdX   write disk/hdd.img to a USB stick, after checks and a question"
	@echo "make screenshot docs/screenshot.png and docs/screenshot-uefi.png: the screen after"
	@echo "                a BIOS boot (VGA text) and a UEFI boot (framebuffer console)"
	@echo "make compile_commands.json   for clangd and other editors"
	@echo "make RELEASE=1 [run...]  the release kernel (heap without canaries), in build/release"
	@echo "make BUSYBOX=1 [run...]  Debian's busybox-static and its ~300 applets in the root"
	@echo "make deps       install missing tools with apt-get (run, test and bench do this)"
	@echo "make clean      remove build/ and the disk images"

deps:
	@tools/deps

# ---- kernel ---------------------------------------------------------------
# Linux's system-call names, from Debian's linux-libc-dev (tools/syscall-names).
UNISTD_64 := /usr/include/x86_64-linux-gnu/asm/unistd_64.h
KERNEL_CFLAGS += -I $(BUILD)/gen

$(BUILD)/gen/syscall_names.h: tools/syscall-names | $(DEPS_FIRST)
	@mkdir -p $(@D)
	tools/syscall-names $(UNISTD_64) > $@.new && mv $@.new $@

$(BUILD)/kernel/sys/syscall.o: $(BUILD)/gen/syscall_names.h

# The framebuffer console's glyphs, from Debian's console-setup-linux (tools/mkfont).
CONSOLE_FONT := /usr/share/consolefonts/Lat15-VGA16.psf.gz

$(BUILD)/gen/font_glyphs.h: tools/mkfont | $(DEPS_FIRST)
	@mkdir -p $(@D)
	tools/mkfont $(CONSOLE_FONT) > $@.new && mv $@.new $@

$(BUILD)/kernel/dev/fbcon.o: $(BUILD)/gen/font_glyphs.h

$(BUILD)/kernel/%.o: kernel/%.c $(BUILD)/options | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: kernel/%.asm $(wildcard kernel/arch/*.inc) $(BUILD)/options | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(NASM) -f elf64 -g -F dwarf -I kernel/arch/ $(KERNEL_NASM_DEFINES) -o $@ $<

# ---- user programs (user/): static Linux programs, built with musl -----------
USER_BUILD := build/user
USER_PROGRAMS := $(patsubst user/%.c,$(USER_BUILD)/%,$(sort $(wildcard user/*.c))) \
	$(USER_BUILD)/hello-pie
MUSL_GCC ?= musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror

$(USER_BUILD)/%: user/%.c | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(MUSL_GCC) $(USER_CFLAGS) -o $@ $<

# hello again as a static PIE (ET_DYN, no interpreter: musl's rcrt1.o relocates it),
# the other kind of program the ELF loader takes. Debian's musl-gcc specs always ask
# for a dynamic linker, so ld links it: as `gcc -static-pie` would with musl's own.
MUSL_LIB := /usr/lib/x86_64-linux-musl
$(USER_BUILD)/hello-pie: user/hello.c | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(MUSL_GCC) -fPIE -O2 -Wall -Wextra -Werror -c -o $@.o $<
	$(LD) -static -pie --no-dynamic-linker -z text -z noexecstack -o $@ $(MUSL_LIB)/rcrt1.o \
		$(MUSL_LIB)/crti.o $$($(CC) -print-file-name=crtbeginS.o) $@.o -L$(MUSL_LIB) -lc \
		$$($(CC) -print-libgcc-file-name) $$($(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
	rm -f $@.o

# ---- the initramfs (kernel/fs/initramfs_image.asm) -----------------------------
# INITRAMFS=PATH: a directory, or a newc .cpio archive. Without it, the programs of
# user/: init as /init, the others in /bin (ROOT_INIT=0: init in /bin too, and the
# kernel boots into its own shell). Remade on every run (a directory's contents have
# no one date), replaced only when its bytes change.
# BUSYBOX=1: the host's /bin/busybox (Debian's busybox-static, which tools/deps
# installs) and its applet links join that root; init then starts busybox's shell.
INITRAMFS ?=
ROOT_INIT ?= 1
BUSYBOX ?= 0
INITRAMFS_CPIO := $(BUILD)/initramfs.cpio
DEFAULT_ROOT := --programs $(if $(filter 0,$(ROOT_INIT)),--no-init) \
	$(if $(filter 1,$(BUSYBOX)),--busybox /bin/busybox) $(BUILD)/rootfs
$(INITRAMFS_CPIO): FORCE tools/mkinitramfs $(if $(INITRAMFS),,$(USER_PROGRAMS)) | $(DEPS_FIRST)
	@mkdir -p $(@D)
	@tools/mkinitramfs $@ $(if $(INITRAMFS),"$(INITRAMFS)",$(DEFAULT_ROOT) $(USER_PROGRAMS))

$(BUILD)/kernel/fs/initramfs_image.o: $(INITRAMFS_CPIO)
$(BUILD)/kernel/fs/initramfs_image.o: KERNEL_NASM_DEFINES += -D INITRAMFS='"$(INITRAMFS_CPIO)"'

# Two links: the first finds where every function lands; its symbols become
# section .ksyms (for backtraces), which the second link appends after .data, so
# no function moves. The check makes sure of that.
$(BUILD)/kernel.stage1.elf: $(KERNEL_OBJS) link.ld $(BUILD)/parts
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(BUILD)/ksyms.asm: $(BUILD)/kernel.stage1.elf $(BUILD)/tools/mksyms
	nm -n $< | $(BUILD)/tools/mksyms > $@

$(BUILD)/ksyms.o: $(BUILD)/ksyms.asm | $(DEPS_FIRST)
	$(NASM) -f elf64 -o $@ $<

$(BUILD)/kernel.elf: $(BUILD)/kernel.stage1.elf $(BUILD)/ksyms.o
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms.o
	@nm $< | grep -i ' [tw] ' > $@.syms1; nm $@ | grep -i ' [tw] ' > $@.syms2; \
	if ! cmp -s $@.syms1 $@.syms2; then \
		echo "kernel.elf: adding .ksyms moved functions; see $@.syms1 vs $@.syms2" >&2; \
		rm -f $@; exit 1; fi; rm -f $@.syms1 $@.syms2

$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(OBJCOPY) -O binary $< $@

# What the boot sector loads: kernel.bin, plus KERNEL_PAD_KIB of zeros if asked.
$(BUILD)/kernel.load: $(BUILD)/kernel.bin $(BUILD)/padding
	cp $< $@
	[ $(KERNEL_PAD_KIB) -eq 0 ] || \
		dd if=/dev/zero of=$@ bs=1024 count=$(KERNEL_PAD_KIB) oflag=append conv=notrunc status=none

$(BUILD)/tools/%: tools/%.c | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(HOSTCC) -std=c11 -O2 $(WARNINGS) -o $@ $<

# Sector count and checksum; rewritten only when they change, so the boot sector is
# reassembled exactly when the kernel it must verify changes.
$(BUILD)/kernel.sum: $(BUILD)/kernel.load $(BUILD)/tools/kernsum
	$(BUILD)/tools/kernsum $< > $@.new
	$(replace_if_changed)

# ---- boot sector ----------------------------------------------------------
$(BUILD)/mbr.bin: boot/mbr.asm boot/bootinfo.inc $(BUILD)/kernel.sum $(BUILD)/options \
		| $(DEPS_FIRST)
	@mkdir -p $(@D)
	set -e; eval "$$(cat $(BUILD)/kernel.sum)"; \
	esp=$$(( (KERNEL_SECTORS + 1 + $(ESP_ALIGN) - 1) / $(ESP_ALIGN) * $(ESP_ALIGN) )); \
	disk=$$(( (esp + $(ESP_MIN_SECTORS) + $(CYLINDER_SECTORS) - 1) / $(CYLINDER_SECTORS) * $(CYLINDER_SECTORS) )); \
	if ! $(NASM) -f bin -I boot/ $(NASM_DEFINES) -D KERNEL_SECTORS=$$KERNEL_SECTORS -D KERNEL_SUM=$$KERNEL_SUM \
		-D ESP_START=$$esp -D ESP_SECTORS=$$((disk - esp)) -l $(BUILD)/mbr.lst --before "[map symbols $(BUILD)/mbr.map]" \
		-o $@ $< 2> $@.err; then \
		over=$$(sed -n 's/.*TIMES value -\([0-9]*\) is negative.*/\1/p' $@.err); \
		if [ -n "$$over" ]; then echo "boot/mbr.asm: the boot code is $$over bytes over its 446-byte limit" >&2; \
		else cat $@.err >&2; fi; rm -f $@.err; exit 1; fi; \
	cat $@.err >&2; rm -f $@.err; echo $$disk > $(BUILD)/disk.sectors; echo $$esp > $(BUILD)/esp.start

# ---- the UEFI loader (boot/uefi/) ------------------------------------------
# \EFI\BOOT\BOOTX64.EFI: gcc makes ELF objects, GNU ld links them into a PE32+
# EFI application (subsystem 10), adding a base relocation for each absolute address
# (-fpie leaves none today: code reaches everything RIP-relative). -fno-ident: a
# .comment section would land below the image base, which OVMF refuses; ms_abi on
# firmware calls (boot/uefi/efi.h). Like the boot
# sector, it carries the kernel's size and checksum, so it is relinked with each
# kernel. UEFI_TEST_TAKE_1MIB=1 (tests only): it acts as if the firmware held 1 MiB.
UEFI_BUILD ?= $(BUILD)/uefi
UEFI_SRCS := $(sort $(wildcard boot/uefi/*.c))
# The kernel's printf engine serves the loader too.
UEFI_KERNEL_LIB := format
UEFI_OBJS := $(UEFI_SRCS:boot/uefi/%.c=$(UEFI_BUILD)/%.o) $(UEFI_BUILD)/handoff.o \
	$(UEFI_KERNEL_LIB:%=$(UEFI_BUILD)/lib/%.o)
UEFI_CFLAGS := -std=gnu11 -O2 $(WARNINGS) -ffreestanding -nostdlib -fno-builtin -fpie \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-ident -ffile-prefix-map=$(CURDIR)=. -I $(UEFI_BUILD) -MMD -MP \
	$(if $(findstring clang,$(CC)),,-fno-tree-loop-distribute-patterns) \
	$(if $(filter 1,$(UEFI_TEST_TAKE_1MIB)),-DUEFI_TEST_TAKE_1MIB)
# --disable-nxcompat: ld marks images NX_COMPAT by default, which tells firmware that
# the image sets up its own executable pages (Memory Attribute Protocol); ours runs
# handoff.asm from pages it allocated (tianocore/projects#18).
UEFI_LDFLAGS := -m i386pep --subsystem 10 -e efi_main -nostdlib --no-insert-timestamp \
	--disable-nxcompat

# KERNEL_MEMORY_BYTES: from 1 MiB to the end of .bss, or the loaded bytes if more.
$(UEFI_BUILD)/kernel_facts.h: $(BUILD)/kernel.sum $(BUILD)/kernel.elf
	@mkdir -p $(@D)
	@set -e; eval "$$(cat $(BUILD)/kernel.sum)"; \
	end=$$(nm $(BUILD)/kernel.elf | awk '$$3 == "__kernel_end" { print $$1 }'); \
	{ echo "/* Made by the Makefile from kernel.sum and kernel.elf. */"; \
	  echo "#define KERNEL_SECTORS $$KERNEL_SECTORS"; \
	  echo "#define KERNEL_SUM $${KERNEL_SUM}u"; \
	  echo "#define KERNEL_END_PHYS (0x$${end}ull - 0xFFFFFFFF80000000ull)"; \
	  echo "#define KERNEL_LOADED_BYTES ((unsigned long long)KERNEL_SECTORS * 512)"; \
	  echo "#define KERNEL_MEMORY_BYTES (KERNEL_END_PHYS - 0x100000 > KERNEL_LOADED_BYTES ? \\"; \
	  echo "	KERNEL_END_PHYS - 0x100000 : KERNEL_LOADED_BYTES)"; } > $@.new
	@$(replace_if_changed)

$(UEFI_BUILD)/%.o: boot/uefi/%.c $(UEFI_BUILD)/kernel_facts.h $(BUILD)/options | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(CC) $(UEFI_CFLAGS) -c $< -o $@

$(UEFI_BUILD)/lib/%.o: kernel/lib/%.c $(BUILD)/options | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(CC) $(UEFI_CFLAGS) -c $< -o $@

$(UEFI_BUILD)/handoff.o: boot/uefi/handoff.asm | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(NASM) -f elf64 -o $@ $<

$(UEFI_BUILD)/BOOTX64.EFI: $(UEFI_OBJS)
	$(LD) $(UEFI_LDFLAGS) -o $@ $(UEFI_OBJS)

-include $(UEFI_OBJS:.o=.d)

# make bench's UEFI floor (tests/bench/uefi_floor.c), built the loader's way.
$(BUILD)/bench/uefi_floor.efi: tests/bench/uefi_floor.c boot/uefi/efi.h | $(DEPS_FIRST)
	@mkdir -p $(@D)
	$(CC) $(UEFI_CFLAGS) -c $< -o $@.o
	$(LD) $(UEFI_LDFLAGS) -o $@ $@.o
	rm -f $@.o

# ---- disk images ----------------------------------------------------------
# The EFI system partition is made in place, without root or mounting: mkfs.fat at
# its offset, then mtools (`img@@bytes` addresses the partition). Fixed volume id,
# --invariant's fixed volume id and dates, and the loader's time set to 1980-01-01
# keep it reproducible.
$(DISK)/hdd.img: $(BUILD)/mbr.bin $(BUILD)/kernel.load $(UEFI_BUILD)/BOOTX64.EFI
	@mkdir -p $(@D)
	dd if=$(BUILD)/mbr.bin of=$@.tmp bs=512 count=1 status=none
	dd if=$(BUILD)/kernel.load of=$@.tmp bs=512 seek=1 conv=notrunc status=none
	dd if=/dev/zero of=$@.tmp bs=512 count=0 seek=$$(cat $(BUILD)/disk.sectors) status=none
	set -e; esp=$$(cat $(BUILD)/esp.start); disk=$$(cat $(BUILD)/disk.sectors); \
	mkfs.fat -F 12 -n KEEL-EFI --invariant --offset $$esp $@.tmp $$(((disk - esp) / 2)) > /dev/null; \
	cp $(UEFI_BUILD)/BOOTX64.EFI $@.efi; touch -d 1980-01-01T00:00:00Z $@.efi; \
	export MTOOLS_SKIP_CHECK=1 SOURCE_DATE_EPOCH=315532800; \
	mmd -i $@.tmp@@$$((esp * 512)) ::/EFI ::/EFI/BOOT; \
	mcopy -m -i $@.tmp@@$$((esp * 512)) $@.efi ::/EFI/BOOT/BOOTX64.EFI; rm -f $@.efi
	mv $@.tmp $@

# A kernel (with its initramfs) too big for a floppy gets no floppy image: a message,
# and the hard-disk image is the one to use (make INITRAMFS=a-big-root does this).
$(DISK)/floppy.img: $(BUILD)/mbr.bin $(BUILD)/kernel.load
	@mkdir -p $(@D)
	@set -e; eval "$$(cat $(BUILD)/kernel.sum)"; \
	if [ $$((KERNEL_SECTORS + 1)) -gt $(FLOPPY_SECTORS) ]; then \
		rm -f $@; echo "$@: skipped: the kernel ($$KERNEL_SECTORS sectors) does not fit on a" \
			"1.44 MB floppy ($(FLOPPY_SECTORS) sectors); boot $(DISK)/hdd.img instead" >&2; \
		exit 0; fi; \
	dd if=$(BUILD)/mbr.bin of=$@.tmp bs=512 count=1 status=none; \
	dd if=$(BUILD)/kernel.load of=$@.tmp bs=512 seek=1 conv=notrunc status=none; \
	dd if=/dev/zero of=$@.tmp bs=512 count=0 seek=$(FLOPPY_SECTORS) status=none; \
	mv $@.tmp $@

size: all
	@used=$$(( 0x$$(awk '$$3 == "code_end" { print $$1 }' $(BUILD)/mbr.map) - 0x7C00 )); \
	echo "boot sector: $$used of 446 code bytes used, $$((446 - used)) left"; \
	echo "kernel.bin:  $$(stat -c %s $(BUILD)/kernel.bin) bytes ($$(sed 's/.*KERNEL_SECTORS=\([0-9]*\).*/\1/' $(BUILD)/kernel.sum) sectors loaded)"

# ---- running --------------------------------------------------------------
run: deps all
	$(QEMU) $(QEMU_COMMON) -drive file=$(DISK)/hdd.img,format=raw,if=ide \
		-display none -serial mon:stdio -debugcon file:$(BUILD)/debugcon.log

run-floppy: deps all
	$(QEMU) $(QEMU_COMMON) -drive file=$(DISK)/floppy.img,format=raw,if=floppy \
		-boot a -display none -serial mon:stdio -debugcon file:$(BUILD)/debugcon.log

run-usb: deps all
	$(QEMU) $(QEMU_COMMON) -device qemu-xhci \
		-drive if=none,id=stick,format=raw,file=$(DISK)/hdd.img \
		-device usb-storage,drive=stick,bootindex=0 \
		-display none -serial mon:stdio -debugcon file:$(BUILD)/debugcon.log

run-vga: deps all
	$(QEMU) $(QEMU_COMMON) -drive file=$(DISK)/hdd.img,format=raw,if=ide \
		-serial stdio -debugcon file:$(BUILD)/debugcon.log

# OVMF from Debian's ovmf: its code read-only, and a fresh copy of its variable
# store for each run, so no run inherits another's boot entries.
OVMF_CODE ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS ?= /usr/share/OVMF/OVMF_VARS_4M.fd
UEFI_VGA ?= 0
run-uefi: deps all
	cp $(OVMF_VARS) $(BUILD)/ovmf-vars.fd
	$(QEMU) $(QEMU_COMMON) -drive if=pflash,format=raw,unit=0,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,unit=1,file=$(BUILD)/ovmf-vars.fd \
		-drive file=$(DISK)/hdd.img,format=raw,if=ide \
		$(if $(filter 1,$(UEFI_VGA)),-serial stdio,-display none -serial mon:stdio) \
		-debugcon file:$(BUILD)/debugcon.log

# ---- debugging ------------------------------------------------------------
GDB_PORT ?= 1234
QEMU_PAUSED = $(QEMU) $(QEMU_COMMON) -drive file=$(DISK)/hdd.img,format=raw,snapshot=on \
	-display none -serial file:$(BUILD)/serial.log -debugcon file:$(BUILD)/debugcon.log \
	-S -gdb tcp::$(GDB_PORT)

# Symbols in the "address name" form Bochs' ldsym reads; mbr.elf carries the boot
# sector's labels for GDB.
$(BUILD)/kernel.sym: $(BUILD)/kernel.elf
	nm $< | awk 'NF == 3 && $$3 !~ /^__/ { print $$1, $$3 }' > $@

$(BUILD)/mbr.sym $(BUILD)/mbr.elf &: $(BUILD)/mbr.bin tools/mbr-symbols
	tools/mbr-symbols $(BUILD)/mbr.map $(BUILD)/mbr.bin $(BUILD)/mbr.sym $(BUILD)/mbr.elf

gdb: deps all
	@echo "gdb: QEMU waits on port $(GDB_PORT); the kernel's serial output goes to $(BUILD)/serial.log"
	@$(QEMU_PAUSED) & qemu=$$!; \
	gdb -q $(BUILD)/kernel.elf -ex "target remote :$(GDB_PORT)" -x tools/gdb/kernel.gdb; \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

gdb-boot: deps all $(BUILD)/mbr.elf
	@echo "gdb-boot: stepping boot/mbr.asm in real mode; its listing is $(BUILD)/mbr.lst"
	@$(QEMU_PAUSED) & qemu=$$!; \
	gdb -q $(BUILD)/mbr.elf -ex "target remote :$(GDB_PORT)" -x tools/gdb/boot.gdb; \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

$(BUILD)/bochs-debug.rc: $(BUILD)/kernel.sym $(BUILD)/mbr.sym
	printf '%s\n' 'ldsym global "$(abspath $(BUILD))/kernel.sym"' \
		'ldsym global "$(abspath $(BUILD))/mbr.sym"' 'lb 0x7c00' 'lb 0x100000' > $@

bochs: deps all $(BUILD)/bochs-debug.rc
	@echo "bochs: symbols loaded; breakpoints at 0x7c00 (boot sector) and 0x100000 (_start). Type c."
	tools/bochs-run --interactive --debug-rc $(BUILD)/bochs-debug.rc $(DISK)/hdd.img

bochs-floppy: deps all $(BUILD)/bochs-debug.rc
	tools/bochs-run --interactive --floppy --debug-rc $(BUILD)/bochs-debug.rc $(DISK)/floppy.img

# Writes the hard-disk image to a USB stick, after tools/usb-write's checks and a
# question (YES=1 skips only the question).
usb: deps all
	@[ -n "$(DEV)" ] || { echo "usage: make usb DEV=/dev/sdX  (lsblk lists your disks)" >&2; exit 2; }
	tools/usb-write $(if $(filter 1,$(YES)),--yes) $(DISK)/hdd.img "$(DEV)"

screenshot: deps all
	tools/screenshot $(DISK)/hdd.img docs/screenshot.png
	tools/screenshot --uefi $(DISK)/hdd.img docs/screenshot-uefi.png

# For editors (clangd): one entry per kernel source, with the real flags.
compile_commands.json: Makefile $(ALL_KERNEL_SRCS) tools/compile-commands
	tools/compile-commands "$(CC)" "$(KERNEL_CFLAGS)" $(BUILD) $(KERNEL_SRCS) \
		--test "$(TEST_KERNEL_CFLAGS)" $(BUILD)/test $(TEST_ONLY_SRCS) > $@

# ---- tests and benchmarks -------------------------------------------------
test: deps all test-kernel kshell-image
	python3 tests/run.py

C_SOURCES = $(shell git ls-files 'kernel/*.[ch]' 'boot/*.[ch]' 'tools/*.c' 'tests/*.c' 2>/dev/null || \
	find kernel boot tools tests/host -name '*.[ch]')

# clang-format decides the layout (.clang-format); cppcheck looks for bugs.
lint: deps
	clang-format --dry-run --Werror $(C_SOURCES)
	cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
		--error-exitcode=1 --inline-suppr -D__x86_64__ -DKEEL_TEST -I kernel kernel tools
	cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
		--error-exitcode=1 --inline-suppr -D__x86_64__ -I $(BUILD)/uefi boot/uefi

# The test kernel (KTESTs, fault scenarios, UBSan) in a build of its own.
test-kernel: | $(DEPS_FIRST)
	@$(MAKE) -s --no-print-directory BUILD=$(BUILD)/test DISK=$(BUILD)/test KERNEL_TEST=1 \
		$(BUILD)/test/hdd.img

# The shipped kernel with no /init in its root: it boots into the kernel shell, with
# the user/ programs in /bin for `run` (the shell's tests use it).
kshell-image: | $(DEPS_FIRST)
	@$(MAKE) -s --no-print-directory BUILD=$(BUILD)/kshell DISK=$(BUILD)/kshell ROOT_INIT=0 \
		$(BUILD)/kshell/hdd.img

bench: deps all test-kernel $(BUILD)/bench/bench_frames $(BUILD)/bench/uefi_floor.efi
	python3 tests/bench.py
	python3 tests/bench_uefi.py
	python3 tests/bench_sched.py
	@[ ! -f tests/bench_heap.py ] || python3 tests/bench_heap.py
	$(BUILD)/bench/bench_frames
	python3 tests/bench_user.py
	python3 tests/bench_busybox.py
	python3 tests/bench_fuzz.py

# The frame allocator on the host, against glibc (tests/bench_frames.c).
$(BUILD)/bench/bench_frames: | $(DEPS_FIRST)
$(BUILD)/bench/bench_frames: tests/bench_frames.c kernel/mm/pmm.c kernel/lib/string.c kernel/mm/pmm.h
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -O2 $(WARNINGS) -Ikernel -fno-tree-loop-distribute-patterns \
		-o $@ tests/bench_frames.c kernel/mm/pmm.c kernel/lib/string.c

clean:
	rm -rf $(BUILD) $(DISK)/*.img

-include $(KERNEL_OBJS:.o=.d)
