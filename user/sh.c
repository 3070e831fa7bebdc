/* sh: a small shell. Reads commands from a terminal, a script file or -c; runs pipelines
 * (a | b), redirections (< > >> N> N>&M), lists (; & && ||), quotes, backslashes, $? $$
 * $# $0-$9 and $NAME from the environment, and the builtins cd, pwd and exit. Expansions
 * are not split into fields, and the shell has no variables of its own. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE	  4096
#define MAXTOKENS 512
#define MAXSTRING 65536 /* room for one command's expanded words */

extern char **environ;

/* The operators come first, two-character ones before their prefixes (&& before &). */
enum token_kind { T_AND, T_OR, T_APPEND, T_DUP, T_PIPE, T_AMP, T_SEMI, T_IN, T_OUT, T_WORD, T_END };

struct token {
	enum token_kind kind;
	const char *text; /* in the line, not copied: words are expanded when they run */
	int len;
	int fd; /* a redirection's fd, as in 2>; -1 if none was written */
};

struct redir {
	enum token_kind kind;
	int fd;
	const struct token *target;
};

struct command {
	int first_word, nwords;
	int first_redir, nredirs;
};

struct pipeline {
	int first_cmd, ncmds;
	enum token_kind condition; /* T_AND or T_OR: run only after success or failure */
};

struct andor {
	int first_pipe, npipes;
	bool background;
};

/* One parsed line. No part can outnumber the tokens, so each array has MAXTOKENS. */
struct parse {
	struct token tokens[MAXTOKENS];
	int pos;
	const struct token *words[MAXTOKENS];
	int nwords;
	struct redir redirs[MAXTOKENS];
	int nredirs;
	struct command cmds[MAXTOKENS];
	int ncmds;
	struct pipeline pipes[MAXTOKENS];
	int npipes;
	struct andor lists[MAXTOKENS];
	int nlists;
};

/* One command with its words expanded, ready to run here or in a child. */
struct expanded {
	char *argv[MAXTOKENS + 1];
	char *targets[MAXTOKENS];
	const struct redir *redirs;
	int nredirs;
	bool too_long;
};

struct source {
	int fd;
	bool seekable;
};

static struct parse parse;
static struct expanded command;
static char strings[MAXSTRING];
static size_t strings_used;

static int last_status;
static bool interactive;
static pid_t shell_pid;
static char **params; /* $0, $1...: the script's name and arguments */
static int nparams;

/* ---- reading and splitting a line into tokens ---- */

/* Reads a line, without its newline, and returns its length, or -1 at the end of input.
 * Only a file can be read ahead (and sought back); a pipe or terminal is read a byte at a
 * time, so that the commands the shell starts can read the rest of the same input. */
static int read_line(const struct source *in, char *line, int size)
{
	int len = 0;
	bool too_long = false;
	for (;;) {
		if (len == size - 1) {
			too_long = true;
			len = 0;
		}
		ssize_t n = read(in->fd, line + len, in->seekable ? size - 1 - len : 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (len == 0 && !too_long)
				return -1;
			break;
		}
		char *newline = memchr(line + len, '\n', n);
		if (newline) {
			if (in->seekable)
				lseek(in->fd, newline + 1 - (line + len + n), SEEK_CUR);
			len = newline - line;
			break;
		}
		len += n;
	}
	line[len] = '\0';
	if (too_long) {
		dprintf(2, "sh: line too long\n");
		line[0] = '\0';
		return 0;
	}
	return len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_word(char c)
{
	return c == '\0' || c == '\n' || is_blank(c) || strchr("|&;<>", c);
}

/* Finds the end of the word at s, stepping over quotes and backslashes; NULL if a quote is
 * not closed on this line. */
static const char *scan_word(const char *s)
{
	while (!ends_word(*s)) {
		char c = *s++;
		if (c == '\\' && *s != '\0' && *s != '\n') {
			s++;
		} else if (c == '\'' || c == '"') {
			for (; *s != c; s++) {
				if (*s == '\0' || *s == '\n')
					return NULL;
				if (c == '"' && *s == '\\' && s[1] != '\0' && s[1] != '\n')
					s++;
			}
			s++;
		}
	}
	return s;
}

/* Returns the end of the operator at s, or NULL if there is none. */
static const char *scan_operator(const char *s, enum token_kind *kind)
{
	/* In the order of enum token_kind. */
	static const char *const operators[] = {"&&", "||", ">>", ">&", "|", "&", ";", "<", ">"};
	for (enum token_kind k = 0; k < T_WORD; k++) {
		size_t len = strlen(operators[k]);
		if (strncmp(s, operators[k], len) == 0) {
			*kind = k;
			return s + len;
		}
	}
	return NULL;
}

/* A word of up to four digits just before < or > is the fd that redirection changes. */
static int redirected_fd(const char *word, const char *end)
{
	if (*end != '<' && *end != '>')
		return -1;
	if (end - word > 4 || strspn(word, "0123456789") != (size_t)(end - word))
		return -1;
	return atoi(word);
}

/* Splits a line into tokens, the last one T_END; false, once it has said why, if it
 * cannot. */
static bool lex(struct parse *p, const char *s)
{
	int ntokens = 0, fd = -1;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (ntokens == MAXTOKENS - 1) {
			dprintf(2, "sh: too many words\n");
			return false;
		}
		struct token *t = &p->tokens[ntokens++];
		*t = (struct token){T_END, s, 0, -1};
		if (*s == '\0' || *s == '\n' || *s == '#')
			return true;
		const char *end = scan_operator(s, &t->kind);
		if (end) {
			t->fd = fd;
			fd = -1;
		} else {
			t->kind = T_WORD;
			end = scan_word(s);
			if (!end) {
				dprintf(2, "sh: syntax error near unterminated quote\n");
				return false;
			}
			fd = redirected_fd(s, end);
			if (fd >= 0)
				ntokens--;
		}
		t->len = end - s;
		s = end;
	}
}

/* ---- parsing: line = andor ((; | &) andor)*, andor = pipeline ((&& | ||) pipeline)*,
 * pipeline = command (| command)*, command = (word | redirection)+ ---- */

static bool syntax_error(const struct token *t)
{
	if (t->kind == T_END)
		dprintf(2, "sh: syntax error near end of line\n");
	else
		dprintf(2, "sh: syntax error near '%.*s'\n", t->len, t->text);
	return false;
}

static bool is_redirection(enum token_kind kind)
{
	return kind == T_IN || kind == T_OUT || kind == T_APPEND || kind == T_DUP;
}

static bool parse_command(struct parse *p)
{
	struct command *c = &p->cmds[p->ncmds++];
	c->first_word = p->nwords;
	c->first_redir = p->nredirs;
	for (;;) {
		const struct token *t = &p->tokens[p->pos];
		if (t->kind == T_WORD) {
			p->words[p->nwords++] = t;
			p->pos++;
		} else if (is_redirection(t->kind)) {
			const struct token *target = t + 1;
			if (target->kind != T_WORD)
				return syntax_error(target);
			int fd = t->fd >= 0 ? t->fd : t->kind == T_IN ? 0 : 1;
			p->redirs[p->nredirs++] = (struct redir){t->kind, fd, target};
			p->pos += 2;
		} else {
			break;
		}
	}
	c->nwords = p->nwords - c->first_word;
	c->nredirs = p->nredirs - c->first_redir;
	if (c->nwords == 0 && c->nredirs == 0)
		return syntax_error(&p->tokens[p->pos]);
	return true;
}

static bool parse_pipeline(struct parse *p, enum token_kind condition)
{
	struct pipeline *pl = &p->pipes[p->npipes++];
	pl->first_cmd = p->ncmds;
	pl->condition = condition;
	if (!parse_command(p))
		return false;
	while (p->tokens[p->pos].kind == T_PIPE) {
		p->pos++;
		if (!parse_command(p))
			return false;
	}
	pl->ncmds = p->ncmds - pl->first_cmd;
	return true;
}

static bool parse_andor(struct parse *p)
{
	struct andor *a = &p->lists[p->nlists++];
	a->first_pipe = p->npipes;
	a->background = false;
	if (!parse_pipeline(p, T_END))
		return false;
	for (;;) {
		enum token_kind kind = p->tokens[p->pos].kind;
		if (kind != T_AND && kind != T_OR)
			break;
		p->pos++;
		if (!parse_pipeline(p, kind))
			return false;
	}
	a->npipes = p->npipes - a->first_pipe;
	return true;
}

static bool parse_line(struct parse *p)
{
	p->pos = p->nwords = p->nredirs = p->ncmds = p->npipes = p->nlists = 0;
	while (p->tokens[p->pos].kind != T_END) {
		if (!parse_andor(p))
			return false;
		const struct token *t = &p->tokens[p->pos];
		if (t->kind == T_SEMI || t->kind == T_AMP) {
			p->lists[p->nlists - 1].background = t->kind == T_AMP;
			p->pos++;
		} else if (t->kind != T_END) {
			return syntax_error(t);
		}
	}
	return true;
}

/* ---- expanding words, as each command runs: quotes, backslashes and $ ---- */

static void put_char(char c)
{
	if (strings_used < sizeof strings)
		strings[strings_used++] = c;
	else
		command.too_long = true;
}

static void put_string(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_number(long n)
{
	char digits[24];
	snprintf(digits, sizeof digits, "%ld", n);
	put_string(digits);
}

static bool is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static int name_length(const char *s)
{
	int len = 0;
	while (is_name_char(s[len], len == 0))
		len++;
	return len;
}

static void put_env(const char *name, int len)
{
	for (char **e = environ; *e; e++) {
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
			put_string(*e + len + 1);
			return;
		}
	}
}

/* Expands the $ form that starts just after the $ at s and returns where it ends; returns
 * s itself if there is none, and then the $ is an ordinary character. */
static const char *expand_dollar(const char *s)
{
	int len = name_length(s);
	if (len > 0) {
		put_env(s, len);
		return s + len;
	}
	if (*s == '{') {
		len = name_length(s + 1);
		if (len == 0 || s[len + 1] != '}')
			return s;
		put_env(s + 1, len);
		return s + len + 2;
	}
	if (*s == '?')
		put_number(last_status);
	else if (*s == '$')
		put_number(shell_pid);
	else if (*s == '#')
		put_number(nparams - 1);
	else if (*s >= '0' && *s <= '9')
		put_string(*s - '0' < nparams ? params[*s - '0'] : "");
	else
		return s;
	return s + 1;
}

/* Expands the inside of "...", starting after the opening quote; returns the end of it. */
static const char *expand_double_quoted(const char *s)
{
	while (*s != '"') {
		char c = *s++;
		if (c == '\\' && (*s == '"' || *s == '\\' || *s == '$')) {
			put_char(*s++);
		} else if (c == '$') {
			const char *after = expand_dollar(s);
			if (after == s)
				put_char('$');
			s = after;
		} else {
			put_char(c);
		}
	}
	return s + 1;
}

/* Expands a word into the strings; NULL if it was nothing but an expansion that came to
 * nothing, which (as in any sh) makes no argument at all. */
static char *expand_word(const struct token *w)
{
	const char *s = w->text, *end = w->text + w->len;
	size_t start = strings_used;
	bool keep = false;
	while (s < end) {
		char c = *s++;
		if (c == '\'') {
			while (*s != '\'')
				put_char(*s++);
			s++;
			keep = true;
		} else if (c == '"') {
			s = expand_double_quoted(s);
			keep = true;
		} else if (c == '\\' && s < end) {
			put_char(*s++);
			keep = true;
		} else if (c == '$') {
			const char *after = expand_dollar(s);
			if (after == s) {
				put_char('$');
				keep = true;
			}
			s = after;
		} else {
			put_char(c);
			keep = true;
		}
	}
	put_char('\0');
	if (command.too_long || (!keep && strings[start] == '\0'))
		return NULL;
	return strings + start;
}

static void expand_command(const struct parse *p, const struct command *c)
{
	strings_used = 0;
	command.too_long = false;
	int argc = 0;
	for (int i = 0; i < c->nwords; i++) {
		char *word = expand_word(p->words[c->first_word + i]);
		if (word)
			command.argv[argc++] = word;
	}
	command.argv[argc] = NULL;
	command.redirs = &p->redirs[c->first_redir];
	command.nredirs = c->nredirs;
	for (int i = 0; i < c->nredirs; i++) {
		char *target = expand_word(command.redirs[i].target);
		command.targets[i] = target ? target : "";
	}
}

/* ---- redirections ---- */

/* Opens what redirection r names; for N>&M that is fd M, which must be open. */
static int open_target(const struct redir *r, const char *target)
{
	switch (r->kind) {
	case T_IN: return open(target, O_RDONLY);
	case T_OUT: return open(target, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	case T_APPEND: return open(target, O_WRONLY | O_CREAT | O_APPEND, 0666);
	default:
		if (*target == '\0' || strspn(target, "0123456789") != strlen(target) ||
		    fcntl(atoi(target), F_GETFD) < 0) {
			errno = EBADF;
			return -1;
		}
		return atoi(target);
	}
}

/* Puts back the first n fds that redirect() changed. */
static void restore(const struct expanded *x, const int *saved, int n)
{
	while (n-- > 0) {
		int fd = x->redirs[n].fd;
		if (saved[n] >= 0) {
			dup2(saved[n], fd);
			close(saved[n]);
		} else {
			close(fd);
		}
	}
}

static bool redirect_one(const struct redir *r, const char *target)
{
	int fd = open_target(r, target);
	if (fd < 0) {
		dprintf(2, "sh: %s: %s\n", target, strerror(errno));
		return false;
	}
	if (fd == r->fd)
		return true;
	bool ok = dup2(fd, r->fd) >= 0;
	if (!ok)
		dprintf(2, "sh: %d: %s\n", r->fd, strerror(errno));
	if (r->kind != T_DUP)
		close(fd);
	return ok;
}

/* Points each redirected fd at its file; false if one cannot be. With saved (a builtin,
 * run in the shell itself), it first keeps a copy of each fd it changes, for restore(),
 * and on failure puts them all back. */
static bool redirect(const struct expanded *x, int *saved)
{
	for (int i = 0; i < x->nredirs; i++) {
		const struct redir *r = &x->redirs[i];
		if (saved)
			saved[i] = fcntl(r->fd, F_DUPFD_CLOEXEC, 10);
		if (!redirect_one(r, x->targets[i])) {
			if (saved)
				restore(x, saved, i + 1);
			return false;
		}
	}
	return true;
}

/* ---- builtins ---- */

static int builtin_cd(char **argv)
{
	const char *dir = argv[1] ? argv[1] : getenv("HOME");
	if (!dir)
		dir = "/";
	if (chdir(dir) < 0) {
		dprintf(2, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_pwd(char **argv)
{
	char dir[PATH_MAX];
	(void)argv;
	if (!getcwd(dir, sizeof dir)) {
		dprintf(2, "sh: pwd: %s\n", strerror(errno));
		return 1;
	}
	dprintf(1, "%s\n", dir);
	return 0;
}

static int builtin_exit(char **argv)
{
	int status = last_status;
	if (argv[1]) {
		char *end;
		long n = strtol(argv[1], &end, 10);
		if (end == argv[1] || *end != '\0') {
			dprintf(2, "sh: exit: %s: not a number\n", argv[1]);
			return 2;
		}
		status = n & 255;
	}
	exit(status);
}

static const struct builtin {
	const char *name;
	int (*run)(char **argv);
} builtins[] = {
	{"cd", builtin_cd},
	{"exit", builtin_exit},
	{"pwd", builtin_pwd},
};

static const struct builtin *find_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

/* ---- running commands ---- */

static int status_of(int wait_status)
{
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return WEXITSTATUS(wait_status);
}

/* Waits for the command to end. This shell has no job control (busybox's ash has):
 * a command that ^Z or a signal stops is continued at once, and says so. */
static int wait_for(pid_t pid)
{
	int wait_status;
	for (;;) {
		if (wait4(pid, &wait_status, WUNTRACED, NULL) < 0) {
			if (errno != EINTR)
				return 1;
		} else if (WIFSTOPPED(wait_status)) {
			dprintf(2,
				"\nsh: %d stopped by signal %d; no job control here: continuing "
				"it\n",
				pid, WSTOPSIG(wait_status));
			kill(pid, SIGCONT);
		} else {
			return status_of(wait_status);
		}
	}
}

/* Executes file, and returns only if it cannot: then with the reason. A file the kernel
 * cannot run (ENOEXEC: no #! and not ELF) is a shell script, as POSIX says. */
static int try_exec(const char *file, char **argv)
{
	execve(file, argv, environ);
	if (errno != ENOEXEC)
		return errno;
	char *script_argv[MAXTOKENS + 2] = {"sh", (char *)file};
	for (int i = 1; argv[i]; i++)
		script_argv[i + 1] = argv[i];
	execve("/bin/sh", script_argv, environ);
	return ENOEXEC;
}

/* Runs argv[0], looking through PATH when its name has no slash. Never returns. */
static void exec_command(char **argv)
{
	const char *name = argv[0];
	int error = ENOENT;
	if (strchr(name, '/')) {
		error = try_exec(name, argv);
	} else if (*name) {
		const char *dir = getenv("PATH") ? getenv("PATH") : "/bin";
		for (;;) {
			int len = strcspn(dir, ":");
			char file[PATH_MAX];
			int n = snprintf(file, sizeof file, "%.*s%s%s", len, dir, len ? "/" : "",
					 name);
			int e = n < (int)sizeof file ? try_exec(file, argv) : ENAMETOOLONG;
			if (e != ENOENT && e != ENOTDIR && e != ENAMETOOLONG)
				error = e; /* found, but it would not run */
			if (dir[len] == '\0')
				break;
			dir += len + 1;
		}
	}
	if (error == ENOENT || error == ENOTDIR) {
		dprintf(2, "sh: %s: not found\n", name);
		_exit(127);
	}
	dprintf(2, "sh: %s: %s\n", name, strerror(error));
	_exit(126);
}

/* In a child: redirects, then runs the expanded command. Never returns. */
static void run_child(struct expanded *x)
{
	if (x->too_long) {
		dprintf(2, "sh: arguments too long\n");
		_exit(1);
	}
	if (!redirect(x, NULL))
		_exit(1);
	if (!x->argv[0])
		_exit(0);
	const struct builtin *b = find_builtin(x->argv[0]);
	if (b)
		_exit(b->run(x->argv));
	exec_command(x->argv);
}

/* Runs a builtin, or a command that is only redirections, in the shell itself. */
static int run_here(struct expanded *x)
{
	int saved[MAXTOKENS];
	if (x->too_long) {
		dprintf(2, "sh: arguments too long\n");
		return 1;
	}
	if (!redirect(x, saved))
		return 1;
	int status = x->argv[0] ? find_builtin(x->argv[0])->run(x->argv) : 0;
	restore(x, saved, x->nredirs);
	return status;
}

/* Runs the commands of a pipeline, each in a child with its stdout piped to the next
 * one's stdin, and returns the status of the last. */
static int run_pipeline(const struct parse *p, const struct pipeline *pl)
{
	pid_t pids[MAXTOKENS];
	int started = 0, in = -1, status = 1;
	for (int i = 0; i < pl->ncmds; i++) {
		expand_command(p, &p->cmds[pl->first_cmd + i]);
		if (pl->ncmds == 1 && (!command.argv[0] || find_builtin(command.argv[0])))
			return run_here(&command);
		int pipe_fds[2] = {-1, -1};
		if (i < pl->ncmds - 1 && pipe2(pipe_fds, O_CLOEXEC) < 0) {
			dprintf(2, "sh: pipe: %s\n", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid == 0) {
			/* ^C and ^\ are for the command, not for the shell that ignores them */
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
			signal(SIGTSTP, SIG_DFL);
			if (in >= 0)
				dup2(in, 0);
			if (pipe_fds[1] >= 0)
				dup2(pipe_fds[1], 1);
			run_child(&command);
		}
		if (in >= 0)
			close(in);
		if (pipe_fds[1] >= 0)
			close(pipe_fds[1]);
		in = pipe_fds[0];
		if (pid < 0) {
			dprintf(2, "sh: fork: %s\n", strerror(errno));
			break;
		}
		pids[started++] = pid;
	}
	if (in >= 0)
		close(in);
	for (int i = 0; i < started; i++)
		status = wait_for(pids[i]);
	/* The terminal echoed ^C: the prompt goes on a line of its own. */
	if (interactive && status == 128 + SIGINT && write(2, "\n", 1) < 0)
		return status;
	return started == pl->ncmds ? status : 1;
}

/* Runs the pipelines of a && || list, each as the status so far allows. */
static int run_andor(const struct parse *p, const struct andor *a)
{
	for (int i = 0; i < a->npipes; i++) {
		const struct pipeline *pl = &p->pipes[a->first_pipe + i];
		if ((pl->condition == T_AND && last_status != 0) ||
		    (pl->condition == T_OR && last_status == 0))
			continue;
		last_status = run_pipeline(p, pl);
	}
	return last_status;
}

/* Runs a list ended by & in a child of its own, reading /dev/null (as POSIX asks, since
 * this shell has no job control); the shell goes on without waiting. */
static void run_background(const struct parse *p, const struct andor *a)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null > 0) {
			dup2(null, 0);
			close(null);
		}
		_exit(run_andor(p, a));
	}
	if (pid < 0) {
		dprintf(2, "sh: fork: %s\n", strerror(errno));
		last_status = 1;
		return;
	}
	if (interactive)
		dprintf(2, "[%d]\n", pid);
	last_status = 0;
}

/* Collects background children that have finished, without waiting for the others. */
static void reap_background(void)
{
	int wait_status;
	pid_t pid;
	while ((pid = wait4(-1, &wait_status, WNOHANG, NULL)) > 0)
		if (interactive)
			dprintf(2, "[%d] done, status %d\n", pid, status_of(wait_status));
}

/* Runs one line, or nothing at all if it does not parse. */
static void run_line(const char *line)
{
	if (!lex(&parse, line) || !parse_line(&parse)) {
		last_status = 2;
		if (!interactive)
			exit(2); /* a script with a syntax error stops, as in any sh */
		return;
	}
	for (int i = 0; i < parse.nlists; i++) {
		const struct andor *a = &parse.lists[i];
		if (a->background)
			run_background(&parse, a);
		else
			last_status = run_andor(&parse, a);
	}
}

static int run_input(int fd)
{
	struct source in = {fd, lseek(fd, 0, SEEK_CUR) >= 0};
	static char line[MAXLINE];
	for (;;) {
		reap_background();
		if (interactive)
			write(2, "$ ", 2);
		if (read_line(&in, line, sizeof line) < 0)
			break;
		run_line(line);
	}
	if (interactive)
		write(2, "\n", 1);
	return last_status;
}

/* Runs the lines of a -c string. */
static int run_string(const char *text)
{
	for (const char *line = text; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		reap_background();
		run_line(line);
	}
	return last_status;
}

int main(int argc, char **argv)
{
	shell_pid = getpid();
	params = argv;
	nparams = 1;
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 3) {
			dprintf(2, "sh: -c: needs a command\n");
			return 2;
		}
		if (argc > 3) {
			params = argv + 3;
			nparams = argc - 3;
		}
		return run_string(argv[2]);
	}
	if (argc > 1 && argv[1][0] == '-') {
		dprintf(2, "sh: %s: unknown option\n", argv[1]);
		dprintf(2, "usage: sh [-c command [name [arg...]] | file [arg...]]\n");
		return 2;
	}
	if (argc > 1) {
		params = argv + 1;
		nparams = argc - 1;
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			dprintf(2, "sh: %s: %s\n", argv[1], strerror(errno));
			return 127;
		}
		return run_input(fd);
	}
	interactive = isatty(0);
	if (interactive) { /* ^C ends the command running, not the shell */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		/* No job control here (busybox's ash has it): ^Z stops the command, which
		 * wait_for continues, not the shell. */
		signal(SIGTSTP, SIG_IGN);
	}
	return run_input(0);
}
