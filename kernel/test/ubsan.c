/* Handler names and data layouts: gcc's libsanitizer ubsan_handlers.h. We report
 * the kind and the location, then panic: the kernel cannot go on after UB. */
#include "ubsan.h"

#include "../panic.h"

__attribute__((noreturn)) static void ubsan_report(const char *what, void *data)
{
	const struct ubsan_source_location *loc = data;
	panic("UBSan: %s at %s:%u:%u", what, loc->file, loc->line, loc->column);
}

#define UBSAN_DEFINE(name, text)                            \
	void __ubsan_handle_##name(void *data, ...)         \
	{                                                   \
		ubsan_report(text, data);                   \
	}                                                   \
	void __ubsan_handle_##name##_abort(void *data, ...) \
	{                                                   \
		ubsan_report(text, data);                   \
	}
UBSAN_HANDLERS(UBSAN_DEFINE)
