/* Memory bring-up and the `mem` report: the sanitised E820 map feeds paging (the
 * kernel's own tables and the direct map), then the frame allocator, then the heap. */
#pragma once

#include "../bootinfo.h"

void mem_init(const struct boot_info *bi);

/* The E820 map, total/used/free frames, and heap usage by size class. */
void mem_report(const struct boot_info *bi);
