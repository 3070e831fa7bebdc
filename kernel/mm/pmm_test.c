/* KTESTs for pmm.c (test kernel only): they need pmm_init to have run. */
#include "pmm.h"

#include "../test/ktest.h"
#include "paging.h"

#define LOW_MEMORY (1ull << 20) /* the first MiB is never handed out */
#define MAX_BLOCK  (1ull << PMM_MAX_ORDER)

KTEST(pmm_frame_round_trip)
{
	struct pmm_stats before, during, after;
	pmm_get_stats(&before);
	phys_addr_t frame = pmm_alloc_frame();
	KEXPECT(frame != PMM_NO_FRAME);
	KEXPECT_EQ(frame % PMM_FRAME_SIZE, 0);
	KEXPECT(frame >= LOW_MEMORY);
	KEXPECT(pmm_frame_handed_out(frame));	       /* inside managed memory, and taken */
	volatile uint64_t *word = phys_to_virt(frame); /* RAM: it keeps what is written */
	word[0] = 0x1234567887654321ull;
	word[511] = frame;
	KEXPECT_EQ(word[0], 0x1234567887654321ull);
	KEXPECT_EQ(word[511], frame);
	pmm_get_stats(&during);
	KEXPECT_EQ(during.free_frames, before.free_frames - 1);
	pmm_free_frame(frame);
	KEXPECT(!pmm_frame_handed_out(frame));
	pmm_get_stats(&after);
	KEXPECT_EQ(after.free_frames, before.free_frames);
}

KTEST(pmm_runs_are_aligned_and_distinct)
{
	struct pmm_stats before, after;
	pmm_get_stats(&before);
	phys_addr_t runs[4];
	static const size_t counts[4] = {3, 8, 100, MAX_BLOCK};
	for (int i = 0; i < 4; i++) {
		size_t align = 1;
		while (align < counts[i])
			align *= 2;
		runs[i] = pmm_alloc_frames(counts[i]);
		KEXPECT(runs[i] != PMM_NO_FRAME);
		KEXPECT_EQ(runs[i] % (align * PMM_FRAME_SIZE), 0);
		for (int j = 0; j < i; j++)
			KEXPECT(runs[i] + counts[i] * PMM_FRAME_SIZE <= runs[j] ||
				runs[j] + counts[j] * PMM_FRAME_SIZE <= runs[i]);
	}
	for (int i = 0; i < 4; i++)
		pmm_free_frames(runs[i], counts[i]);
	pmm_get_stats(&after);
	KEXPECT_EQ(after.free_frames, before.free_frames);
}

KTEST(pmm_stats_add_up)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	KEXPECT(s.total_frames > 0);
	KEXPECT(s.free_frames > 0);
	KEXPECT(s.used_frames > 0); /* the metadata, at least */
	KEXPECT_EQ(s.free_frames + s.used_frames, s.total_frames);
}
