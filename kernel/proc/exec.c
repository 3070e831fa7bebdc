/* Loading a static ELF program and its first stack. The ELF structures and
 * constants are Linux's UAPI (<linux/elf.h>); the stack's layout is the System V
 * x86-64 ABI's (3.4.1): argc, argv pointers and NULL, envp pointers and NULL, the
 * auxiliary vector of (type, value) pairs ending with AT_NULL, then the strings;
 * RSP 16-byte aligned at argc. The auxiliary vector's types: <linux/auxvec.h>. */
#include "exec.h"

#include <asm-generic/errno-base.h>
#include <linux/auxvec.h>
#include <linux/elf.h>

#include "../arch/gdt.h"
#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "process.h"
#include "vm.h"

#define ET_DYN_BASE   0x555555554000ull /* where Linux puts a PIE with no ASLR */
#define STACK_TOP     USER_END		/* as Linux: the stack ends where user space does */
#define STACK_SIZE    (128 * 1024)	/* mapped at exec; growth comes with mmap */
#define ARG_MAX_BYTES (64 * 1024)	/* argv and envp strings, together */
#define ARG_MAX_COUNT 1024
#define USER_HZ	      100	  /* AT_CLKTCK: what times() counts in, on Linux too */
#define RFLAGS_BIT1   (1ull << 1) /* reserved, always set */

static bool in_file(size_t size, uint64_t offset, uint64_t length)
{
	return offset <= size && length <= size - offset;
}

/* The checks that make an image one of ours: a 64-bit little-endian x86-64 ELF,
 * executable or position-independent, whose program headers lie in the file. */
static int check_header(const Elf64_Ehdr *h, size_t size)
{
	if (size < sizeof *h || memcmp(h->e_ident, ELFMAG, SELFMAG) != 0 ||
	    h->e_ident[EI_CLASS] != ELFCLASS64 || h->e_ident[EI_DATA] != ELFDATA2LSB ||
	    h->e_machine != EM_X86_64 || (h->e_type != ET_EXEC && h->e_type != ET_DYN) ||
	    h->e_phentsize != sizeof(Elf64_Phdr) || h->e_phnum == 0 ||
	    !in_file(size, h->e_phoff, (uint64_t)h->e_phnum * sizeof(Elf64_Phdr)))
		return -ENOEXEC;
	return 0;
}

static unsigned prot_of(const Elf64_Phdr *ph)
{
	return ((ph->p_flags & PF_W) ? VM_WRITE : 0) | ((ph->p_flags & PF_X) ? VM_EXEC : 0);
}

/* One PT_LOAD segment: its pages, then its bytes from the file; the rest (.bss) stays
 * zero. */
static int load_segment(struct process *p, const uint8_t *image, size_t size, const Elf64_Phdr *ph,
			uint64_t bias)
{
	uint64_t start = ph->p_vaddr + bias;
	if (ph->p_filesz > ph->p_memsz || !in_file(size, ph->p_offset, ph->p_filesz) ||
	    ph->p_memsz == 0 || start + ph->p_memsz < start)
		return -ENOEXEC;
	uintptr_t first = start & ~(PAGE_SIZE - 1);
	uintptr_t last = (start + ph->p_memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int err = vm_map_zeroed(p, first, last - first, prot_of(ph));
	if (err)
		return err == -EINVAL ? -ENOEXEC : err;
	if (!vm_poke(p, start, image + ph->p_offset, ph->p_filesz))
		return -ENOEXEC;
	return 0;
}

/* Where the program headers are once loaded: PT_PHDR says, or else the loaded
 * segment whose file range holds them. */
static uint64_t phdr_address(const Elf64_Ehdr *h, const Elf64_Phdr *ph, uint64_t bias)
{
	for (int i = 0; i < h->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr + bias;
	for (int i = 0; i < h->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && h->e_phoff >= ph[i].p_offset &&
		    h->e_phoff - ph[i].p_offset < ph[i].p_filesz)
			return ph[i].p_vaddr + bias + (h->e_phoff - ph[i].p_offset);
	return 0;
}

static int load_elf(struct process *p, const uint8_t *image, size_t size, struct exec_info *info)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)image;
	int err = check_header(h, size);
	if (err)
		return err;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(image + h->e_phoff);
	uint64_t bias = h->e_type == ET_DYN ? ET_DYN_BASE : 0;
	uintptr_t end = 0;
	info->stack_exec = false;
	for (int i = 0; i < h->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC; /* dynamically linked: no loader here */
		if (ph[i].p_type == PT_GNU_STACK)
			info->stack_exec = ph[i].p_flags & PF_X;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if ((err = load_segment(p, image, size, &ph[i], bias)))
			return err;
		uintptr_t seg_end = ph[i].p_vaddr + bias + ph[i].p_memsz;
		if (seg_end > end)
			end = seg_end;
	}
	if (end == 0)
		return -ENOEXEC;
	info->entry = h->e_entry + bias;
	if (info->entry >= USER_END)
		return -EINVAL; /* as Linux: never IRETQ to a kernel or non-canonical RIP */
	info->phdr = phdr_address(h, ph, bias);
	info->phnum = h->e_phnum;
	info->brk = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return 0;
}

/* ---- the first stack ---------------------------------------------------------------- */

struct stack_builder {
	struct process *p;
	uintptr_t sp; /* grows down from STACK_TOP */
	bool ok;
};

static uintptr_t push_bytes(struct stack_builder *b, const void *data, size_t size)
{
	b->sp -= size;
	if (!vm_poke(b->p, b->sp, data, size))
		b->ok = false;
	return b->sp;
}

static uintptr_t push_string(struct stack_builder *b, const char *s)
{
	return push_bytes(b, s, strlen(s) + 1);
}

static size_t count(const char *const v[], size_t *bytes)
{
	size_t n = 0;
	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

static void random_bytes(uint64_t out[2])
{
	for (int i = 0; i < 2; i++)
		if (!cpu_has_rdrand() || !rdrand64(&out[i]))
			out[i] = rdtsc() * 0x9E3779B97F4A7C15ull ^ (uint64_t)i;
}

static int build_stack(struct process *p, const char *const argv[], const char *const envp[],
		       const struct exec_info *info, uintptr_t *rsp)
{
	size_t bytes = 0, argc = count(argv, &bytes), envc = count(envp, &bytes);
	if (bytes > ARG_MAX_BYTES || argc + envc > ARG_MAX_COUNT)
		return -E2BIG;
	int err = vm_map_zeroed(p, STACK_TOP - STACK_SIZE, STACK_SIZE,
				VM_WRITE | (info->stack_exec ? VM_EXEC : 0));
	if (err)
		return err;

	struct stack_builder b = {p, STACK_TOP, true};
	uintptr_t platform = push_string(&b, "x86_64");
	uintptr_t execfn = push_string(&b, argc ? argv[0] : "");
	uint64_t random[2];
	random_bytes(random);
	uintptr_t random_at = push_bytes(&b, random, sizeof random);
	/* Where each string went: argv's pointers and NULL, then envp's and NULL. */
	uintptr_t *argp = kmalloc((argc + envc + 2) * sizeof *argp);
	if (!argp)
		return -ENOMEM;
	uintptr_t *envp_at = argp + argc + 1;
	for (size_t i = 0; i < argc; i++)
		argp[i] = push_string(&b, argv[i]);
	for (size_t i = 0; i < envc; i++)
		envp_at[i] = push_string(&b, envp[i]);
	argp[argc] = envp_at[envc] = 0;

	const uint64_t auxv[][2] = {
		{AT_PHDR, info->phdr},
		{AT_PHENT, sizeof(Elf64_Phdr)},
		{AT_PHNUM, info->phnum},
		{AT_PAGESZ, PAGE_SIZE},
		{AT_BASE, 0},
		{AT_FLAGS, 0},
		{AT_ENTRY, info->entry},
		{AT_UID, 0},
		{AT_EUID, 0},
		{AT_GID, 0},
		{AT_EGID, 0},
		{AT_SECURE, 0},
		{AT_RANDOM, random_at},
		{AT_HWCAP, cpuid(1, 0).edx},
		{AT_CLKTCK, USER_HZ},
		{AT_PLATFORM, platform},
		{AT_EXECFN, execfn},
		{AT_NULL, 0},
	};
	/* From argc up: argc, argv[], NULL, envp[], NULL, auxv; 16-byte aligned at argc. */
	size_t words = 1 + (argc + 1) + (envc + 1) + 2 * (sizeof auxv / sizeof auxv[0]);
	b.sp = (b.sp - words * 8) & ~15ull;
	uintptr_t at = b.sp;
	uint64_t argc64 = argc;
	b.ok &= vm_poke(p, at, &argc64, 8);
	b.ok &= vm_poke(p, at + 8, argp, (argc + 1) * 8);
	b.ok &= vm_poke(p, at + 8 * (argc + 2), envp_at, (envc + 1) * 8);
	b.ok &= vm_poke(p, at + 8 * (argc + envc + 3), auxv, sizeof auxv);
	kfree(argp);
	if (!b.ok)
		return -E2BIG;
	*rsp = at;
	return 0;
}

int exec_image(struct process *p, const void *image, size_t size, const char *const argv[],
	       const char *const envp[], struct trap_frame *frame)
{
	struct exec_info info;
	int err = load_elf(p, image, size, &info);
	uintptr_t rsp = 0;
	if (!err)
		err = build_stack(p, argv, envp, &info, &rsp);
	if (err)
		return err;
	p->brk_start = p->brk = info.brk;
	memset(frame, 0, sizeof *frame);
	frame->rip = info.entry;
	frame->cs = USER_CS;
	frame->rflags = RFLAGS_IF | RFLAGS_BIT1;
	frame->rsp = rsp;
	frame->ss = USER_DS;
	return 0;
}
