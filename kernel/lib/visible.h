/* VISIBLE_IF_KTEST marks a function or variable that is static in the shipped kernel
 * and global in the test kernel, so the *_test.c file beside it can reach it without
 * the shipped kernel exporting it (Linux KUnit's VISIBLE_IF_KUNIT); one only the
 * tests call is then dropped. Its declaration goes in the subsystem's header, inside
 * #ifdef KEEL_TEST. */
#pragma once

#ifdef KEEL_TEST
#define VISIBLE_IF_KTEST
#else
#define VISIBLE_IF_KTEST static __attribute__((unused))
#endif
