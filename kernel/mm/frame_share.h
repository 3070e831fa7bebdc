/* Frames shared copy-on-write after fork: how many more address spaces than one map
 * a frame. A frame the table does not know has one owner. The count goes up when
 * fork maps a frame in the child too, down when a space drops its mapping or copies
 * the frame on a write; the frame goes back to the allocator when its last owner
 * lets go. Only shared frames take room here (an open-addressing table that grows). */
#pragma once

#include <stdbool.h>

#include "pmm.h"

/* One more owner of `frame`; false when the table could not grow (copy instead). */
bool frame_share(phys_addr_t frame);

/* One owner lets go: frees the frame when it was the last. */
void frame_release(phys_addr_t frame);

/* Whether an owner other than the caller still maps `frame`. */
bool frame_is_shared(phys_addr_t frame);

/* Frames with more than one owner, for tests. */
unsigned long frame_shared_count(void);
