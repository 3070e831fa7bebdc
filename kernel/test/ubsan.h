/* The runtime for -fsanitize=undefined (the test kernel only): every check that fails
 * panics with the kind of error and its source location. */
#pragma once

#include <stdint.h>

struct ubsan_source_location {
	const char *file;
	uint32_t line;
	uint32_t column;
};

/* Each handler's data begins with the location (gcc's ubsan_data layouts). */
#define UBSAN_HANDLERS(X)                                                     \
	X(add_overflow, "signed addition overflow")                           \
	X(sub_overflow, "signed subtraction overflow")                        \
	X(mul_overflow, "signed multiplication overflow")                     \
	X(negate_overflow, "signed negation overflow")                        \
	X(divrem_overflow, "division overflow or division by zero")           \
	X(shift_out_of_bounds, "shift out of bounds")                         \
	X(out_of_bounds, "array index out of bounds")                         \
	X(type_mismatch_v1, "misaligned or null pointer use")                 \
	X(vla_bound_not_positive, "variable-length array bound not positive") \
	X(load_invalid_value, "load of an invalid value (bool or enum)")      \
	X(builtin_unreachable, "__builtin_unreachable() reached")             \
	X(nonnull_arg, "null passed as a nonnull argument")                   \
	X(nonnull_return_v1, "null returned from a returns_nonnull function") \
	X(pointer_overflow, "pointer arithmetic overflow")                    \
	X(invalid_builtin, "invalid argument to a builtin")                   \
	X(alignment_assumption, "alignment assumption violated")

#define UBSAN_DECLARE(name, text)                                              \
	__attribute__((noreturn)) void __ubsan_handle_##name(void *data, ...); \
	__attribute__((noreturn)) void __ubsan_handle_##name##_abort(void *data, ...);
UBSAN_HANDLERS(UBSAN_DECLARE)
#undef UBSAN_DECLARE
