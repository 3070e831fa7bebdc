/* assert(expr): panics naming the expression, file and line when expr is false. */
#pragma once

#include "../panic.h"

#define assert(expr) ((expr) ? (void)0 : panic("assertion failed: %s", #expr))
