/* Loading a program. The ELF structures and constants are Linux's UAPI
 * (<linux/elf.h>); the first stack's layout is the System V x86-64 ABI's (3.4.1):
 * argc, argv pointers and NULL, envp pointers and NULL, the auxiliary vector of
 * (type, value) pairs ending with AT_NULL, then the strings; RSP 16-byte aligned at
 * argc. Auxiliary vector types: <linux/auxvec.h>. Segments become private file
 * mappings: their pages are read from the file when first touched. */
#include "exec.h"

#include <asm-generic/errno.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../dev/random.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "vm.h"

#define ET_DYN_BASE   0x555555554000ull /* where Linux puts a PIE with no ASLR */
#define STACK_TOP     USER_END		/* as Linux: the stack ends where user space does */
#define STACK_INITIAL (128 * 1024)	/* the stack region at first; it grows on faults */
#define PHDRS_MAX     (64 * 1024)	/* program header bytes, as Linux's elf_read_phdrs */
#define SCRIPT_LINE   256		/* a "#!" line, as Linux's BINPRM_BUF_SIZE */
#define SCRIPT_DEPTH  4			/* interpreters that are scripts themselves */
#define USER_HZ	      100		/* AT_CLKTCK: what times() counts in, on Linux too */

/* ---- arguments ------------------------------------------------------------------ */

static int make_room(struct exec_args *a, size_t more)
{
	if (a->used + more > ARG_TOTAL_MAX)
		return -E2BIG;
	if (a->used + more <= a->room)
		return 0;
	size_t room = a->room ? a->room : 1024;
	while (room < a->used + more)
		room *= 2;
	char *strings = krealloc(a->strings, room);
	if (!strings)
		return -ENOMEM;
	a->strings = strings;
	a->room = room;
	return 0;
}

int exec_args_add(struct exec_args *a, const char *s, size_t len, bool env)
{
	if (len + 1 > ARG_STRING_MAX)
		return -E2BIG;
	int err = make_room(a, len + 1);
	if (err)
		return err;
	memcpy(a->strings + a->used, s, len);
	a->strings[a->used + len] = 0;
	a->used += len + 1;
	if (env)
		a->envc++;
	else
		a->argc++;
	return 0;
}

int exec_args_prepend(struct exec_args *a, const char *s, size_t len)
{
	int err = make_room(a, len + 1);
	if (err)
		return err;
	memmove(a->strings + len + 1, a->strings, a->used);
	memcpy(a->strings, s, len);
	a->strings[len] = 0;
	a->used += len + 1;
	a->argc++;
	return 0;
}

void exec_args_free(struct exec_args *a)
{
	kfree(a->strings);
	*a = (struct exec_args){0};
}

/* Drops argv[0] (a script's own path replaces it). */
static void drop_first_arg(struct exec_args *a)
{
	if (!a->argc)
		return;
	size_t len = strlen(a->strings) + 1;
	memmove(a->strings, a->strings + len, a->used - len);
	a->used -= len;
	a->argc--;
}

/* ---- what /proc shows ----------------------------------------------------------- */

/* The program `path` runs with the argv in `a` (the script's interpreter's, for a
 * script); NULL when memory ran out. */
static struct program *program_new(const char *path, const struct exec_args *a)
{
	size_t args_size = 0;
	for (int i = 0; i < a->argc && args_size < PROGRAM_ARGS_MAX; i++)
		args_size += strlen(a->strings + args_size) + 1;
	if (args_size > PROGRAM_ARGS_MAX)
		args_size = PROGRAM_ARGS_MAX;
	size_t path_size = strlen(path) + 1;
	struct program *program = kmalloc(sizeof *program + args_size + path_size);
	if (!program)
		return 0;
	program->refs = 1;
	program->args_size = args_size;
	memcpy(program->args, a->strings, args_size);
	program->path = program->args + args_size;
	memcpy(program->path, path, path_size);
	return program;
}

struct program *program_get(struct program *program)
{
	__atomic_add_fetch(&program->refs, 1, __ATOMIC_RELAXED);
	return program;
}

void program_put(struct program *program)
{
	if (program && __atomic_sub_fetch(&program->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(program);
}

/* ---- ELF ------------------------------------------------------------------------ */

struct elf_info {
	uint64_t entry, phdr, phnum;
	uintptr_t brk; /* the page past the highest segment */
	bool stack_exec;
};

static int check_header(const Elf64_Ehdr *h, uint64_t size)
{
	if (size < sizeof *h || memcmp(h->e_ident, ELFMAG, SELFMAG) != 0 ||
	    h->e_ident[EI_CLASS] != ELFCLASS64 || h->e_ident[EI_DATA] != ELFDATA2LSB ||
	    h->e_machine != EM_X86_64 || (h->e_type != ET_EXEC && h->e_type != ET_DYN) ||
	    h->e_phentsize != sizeof(Elf64_Phdr) || h->e_phnum == 0 ||
	    (uint64_t)h->e_phnum * sizeof(Elf64_Phdr) > PHDRS_MAX || h->e_phoff > size ||
	    (uint64_t)h->e_phnum * sizeof(Elf64_Phdr) > size - h->e_phoff)
		return -ENOEXEC;
	return 0;
}

static unsigned prot_of(const Elf64_Phdr *ph)
{
	return ((ph->p_flags & PF_R) ? VM_READ : 0) | ((ph->p_flags & PF_W) ? VM_WRITE : 0) |
	       ((ph->p_flags & PF_X) ? VM_EXEC : 0);
}

/* One PT_LOAD segment: a private mapping of its file bytes, then zeroes (.bss). */
static int load_segment(struct mm *mm, struct inode *file, const Elf64_Phdr *ph, uint64_t bias)
{
	uint64_t start = ph->p_vaddr + bias, size = file->size;
	if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
	    ph->p_filesz > size - ph->p_offset || ph->p_memsz == 0 || start + ph->p_memsz < start ||
	    start >= USER_END || ph->p_memsz > USER_END - start ||
	    ph->p_offset % PAGE_SIZE != start % PAGE_SIZE)
		return -ENOEXEC;
	uint64_t first = start & ~(PAGE_SIZE - 1);
	uint64_t last = (start + ph->p_memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t lead = start - first; /* bytes of the first page before the segment */
	int err = vm_map(mm, first, last - first, prot_of(ph), 0, file, ph->p_offset - lead,
			 lead + ph->p_filesz);
	return err == -EINVAL ? -ENOEXEC : err; /* overlapping, or outside user space */
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

static int load_segments(struct mm *mm, struct inode *file, const Elf64_Ehdr *h,
			 const Elf64_Phdr *ph, struct elf_info *info)
{
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
		int err = load_segment(mm, file, &ph[i], bias);
		if (err)
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

static int load_elf(struct mm *mm, struct inode *file, const Elf64_Ehdr *h, struct elf_info *info)
{
	int err = check_header(h, file->size);
	if (err)
		return err;
	size_t bytes = (size_t)h->e_phnum * sizeof(Elf64_Phdr);
	Elf64_Phdr *ph = kmalloc(bytes);
	if (!ph)
		return -ENOMEM;
	if (fs_read_kernel(file, h->e_phoff, ph, bytes) != (long)bytes)
		err = -ENOEXEC;
	else
		err = load_segments(mm, file, h, ph, info);
	kfree(ph);
	return err;
}

/* ---- the first stack --------------------------------------------------------------- */

struct stack_builder {
	struct mm *mm;
	uintptr_t sp; /* grows down from STACK_TOP */
	bool ok;
};

static uintptr_t push_bytes(struct stack_builder *b, const void *data, size_t size)
{
	b->sp -= size;
	if (!vm_poke(b->mm, b->sp, data, size))
		b->ok = false;
	return b->sp;
}

static int build_stack(struct mm *mm, const struct exec_args *a, const struct elf_info *info,
		       uintptr_t *rsp)
{
	size_t words = 1 + (a->argc + 1) + (a->envc + 1) + 2 * 18 + 8;
	size_t need = a->used + 64 + words * 8;
	size_t size = (need + PAGE_SIZE + STACK_INITIAL - 1) & ~(STACK_INITIAL - 1);
	mm->stack_top = STACK_TOP;
	int err = vm_map(mm, STACK_TOP - size, size,
			 VM_READ | VM_WRITE | (info->stack_exec ? VM_EXEC : 0), VM_GROWSDOWN, 0, 0,
			 0);
	if (err)
		return err;

	struct stack_builder b = {mm, STACK_TOP, true};
	static const char platform_name[] = "x86_64";
	uintptr_t platform = push_bytes(&b, platform_name, sizeof platform_name);
	uintptr_t strings = push_bytes(&b, a->strings, a->used);
	uint64_t random[2];
	random_bytes(random, sizeof random);
	uintptr_t random_at = push_bytes(&b, random, sizeof random);

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
		{AT_EXECFN, strings},
		{AT_NULL, 0},
	};
	/* From argc up: argc, argv[], NULL, envp[], NULL, auxv; 16-byte aligned at argc. */
	size_t n = 1 + (a->argc + 1) + (a->envc + 1) + 2 * (sizeof auxv / sizeof auxv[0]);
	b.sp = (b.sp - n * 8) & ~15ull;
	uintptr_t at = b.sp;
	uint64_t word = (uint64_t)a->argc;
	b.ok &= vm_poke(mm, at, &word, 8);
	uintptr_t slot = at + 8, s = strings;
	for (int i = 0; i < a->argc + a->envc; i++) {
		if (i == a->argc) { /* argv's NULL */
			word = 0;
			b.ok &= vm_poke(mm, slot, &word, 8);
			slot += 8;
		}
		b.ok &= vm_poke(mm, slot, &s, 8);
		slot += 8;
		s += strlen(a->strings + (s - strings)) + 1;
	}
	word = 0;
	if (a->envc == 0) { /* argv's NULL was not written in the loop */
		b.ok &= vm_poke(mm, slot, &word, 8);
		slot += 8;
	}
	b.ok &= vm_poke(mm, slot, &word, 8); /* envp's NULL */
	b.ok &= vm_poke(mm, slot + 8, auxv, sizeof auxv);
	if (!b.ok)
		return -ENOMEM;
	*rsp = at;
	return 0;
}

/* ---- scripts and programs ----------------------------------------------------------- */

/* "#!interpreter [one argument]": argv becomes interpreter, argument, script path,
 * then the old argv[1...]; `interpreter` gets the interpreter's path. */
static int script_args(const char *line, size_t len, const char *path, struct exec_args *a,
		       char *interpreter, size_t room)
{
	size_t i = 2, end = 0;
	while (end < len && line[end] != '\n')
		end++;
	if (end == len && len == SCRIPT_LINE)
		return -ENOEXEC; /* longer than Linux reads */
	while (i < end && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t name = i;
	while (i < end && line[i] != ' ' && line[i] != '\t')
		i++;
	size_t name_len = i - name;
	while (i < end && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t arg = i, arg_end = end;
	while (arg_end > arg && (line[arg_end - 1] == ' ' || line[arg_end - 1] == '\t'))
		arg_end--;
	if (name_len == 0 || name_len >= room)
		return -ENOEXEC;
	memcpy(interpreter, line + name, name_len);
	interpreter[name_len] = 0;
	drop_first_arg(a);
	int err = exec_args_prepend(a, path, strlen(path));
	if (!err && arg_end > arg)
		err = exec_args_prepend(a, line + arg, arg_end - arg);
	if (!err)
		err = exec_args_prepend(a, interpreter, name_len);
	return err;
}

static void set_name(struct exec_result *out, const char *path)
{
	const char *name = path;
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			name = c + 1;
	strncpy_safe(out->name, name, sizeof out->name);
}

static int load_file(struct inode *cwd, struct inode *file, const char *path, const char *real_path,
		     struct exec_args *args, struct exec_result *out, int depth);

static int load_path(struct inode *cwd, const char *path, struct exec_args *args,
		     struct exec_result *out, int depth)
{
	struct inode *file;
	char *real_path = kmalloc(PATH_MAX);
	if (!real_path)
		return -ENOMEM;
	int err = path_lookup_real(cwd, path, &file, real_path, PATH_MAX);
	if (err) {
		kfree(real_path);
		return err;
	}
	if (!S_ISREG(file->mode) || !(file->mode & 0111))
		err = -EACCES;
	else if (__atomic_load_n(&file->writers, __ATOMIC_RELAXED))
		err = -ETXTBSY; /* as Linux: someone may be writing it */
	else
		err = load_file(cwd, file, path, real_path, args, out, depth);
	inode_put(file);
	kfree(real_path);
	return err;
}

/* `path` as the caller named it; `real_path` with its links resolved. */
static int load_file(struct inode *cwd, struct inode *file, const char *path, const char *real_path,
		     struct exec_args *args, struct exec_result *out, int depth)
{
	union {
		Elf64_Ehdr elf;
		char line[SCRIPT_LINE];
	} head;
	long got = fs_read_kernel(file, 0, &head, sizeof head);
	if (got < 0)
		return (int)got;
	if (got >= 2 && head.line[0] == '#' && head.line[1] == '!') {
		if (depth >= SCRIPT_DEPTH)
			return -ELOOP;
		char interpreter[SCRIPT_LINE];
		int err = script_args(head.line, (size_t)got, path, args, interpreter,
				      sizeof interpreter);
		return err ? err : load_path(cwd, interpreter, args, out, depth + 1);
	}
	struct mm *mm = mm_new();
	if (!mm)
		return -ENOMEM;
	struct elf_info info;
	uintptr_t rsp = 0;
	int err = load_elf(mm, file, &head.elf, &info);
	if (!err)
		err = build_stack(mm, args, &info, &rsp);
	if (!err && !(out->program = program_new(real_path, args)))
		err = -ENOMEM;
	if (err) {
		mm_free(mm);
		return err;
	}
	mm->brk_start = mm->brk = info.brk;
	out->mm = mm;
	out->entry = info.entry;
	out->rsp = rsp;
	return 0;
}

int exec_load(struct inode *cwd, const char *path, struct exec_args *args, struct exec_result *out)
{
	int err = load_path(cwd, path, args, out, 0);
	if (!err)
		set_name(out, path); /* a script's own name, as on Linux */
	return err;
}
