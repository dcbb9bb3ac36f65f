// SPDX-License-Identifier: GPL-2.0
/*
 * balloon.c - a balloon device that keeps track of its pages: its
 * migratepage callback finds the record of the page by PFN, asks the
 * owner what to answer, and makes the record follow a page that moves.
 * movops.ko's balloon, its stress balloon and the KUnit suite's balloon
 * are each one of these, with an answer of their own.
 */
#include <linux/delay.h>
#include <linux/hash.h>

#include "fixtures.h"
#include "movops_compat.h"

static struct hlist_head *mv_tb_bucket(struct mv_tballoon *tb,
				       unsigned long pfn)
{
	return &tb->hash[hash_long(pfn, tb->hash_bits)];
}

/* Our record of the page at @pfn, or NULL.  Caller holds *tb->lock. */
struct mv_tpage *mv_tballoon_lookup(struct mv_tballoon *tb, unsigned long pfn)
{
	struct mv_tpage *e;

	hlist_for_each_entry(e, mv_tb_bucket(tb, pfn), node)
		if (e->pfn == pfn)
			return e;
	return NULL;
}

/*
 * Keep @e as the record of the page at @pfn.  Caller holds *tb->lock, and
 * does it before the page is enqueued: it can migrate at once.
 */
void mv_tballoon_track(struct mv_tballoon *tb, struct mv_tpage *e,
		       unsigned long pfn)
{
	e->pfn = pfn;
	hlist_add_head(&e->node, mv_tb_bucket(tb, pfn));
}

/* The page of @e left the balloon.  Caller holds *tb->lock. */
void mv_tballoon_forget(struct mv_tballoon *tb, struct mv_tpage *e)
{
	hlist_del_init(&e->node);
	e->pfn = 0;
}

/*
 * The driver callback, called by balloon_page_migrate() for an isolated
 * page of the device.  It must not sleep: the thread that migrates may
 * hold any of the owner's mutexes (alloc_contig_range(), compaction from
 * an allocation).  On 0 the record follows the page to @newpage.
 */
static int mv_tballoon_migratepage(struct balloon_dev_info *b,
				   struct page *newpage, struct page *page,
				   enum migrate_mode mode)
{
	struct mv_tballoon *tb = container_of(b, struct mv_tballoon, b);
	unsigned long flags;
	struct mv_tpage *e;
	int ret;

	spin_lock_irqsave(tb->lock, flags);
	e = mv_tballoon_lookup(tb, page_to_pfn(page));
	ret = tb->answer(tb, e, page, newpage);
	if (!ret && !e)
		ret = -EAGAIN;	/* never move a page we have no record of */
	if (!ret) {
		hlist_del(&e->node);
		mv_tballoon_track(tb, e, page_to_pfn(newpage));
		e->moves++;
	}
	spin_unlock_irqrestore(tb->lock, flags);
	if (!ret)
		mv_balloon_migrated(b, newpage, page);
	return ret;
}

/*
 * A tracked balloon whose records live in @hash (1 << @bits buckets,
 * empty) under @lock; @answer decides every callback.  Devices may share
 * a hash and a lock.
 */
void mv_tballoon_init(struct mv_tballoon *tb, spinlock_t *lock,
		      struct hlist_head *hash, unsigned int bits,
		      mv_tballoon_answer answer)
{
	balloon_devinfo_init(&tb->b);
	tb->b.migratepage = mv_tballoon_migratepage;
	tb->lock = lock;
	tb->hash = hash;
	tb->hash_bits = bits;
	tb->answer = answer;
}

/*
 * Dequeue up to @want pages of @tb onto @out, waiting for pages that a
 * migration in flight holds isolated: while @held(@tb), the owner's count
 * of its pages (listed, isolated, or on @out and not yet forgotten), says
 * some are still in the balloon and none is listed, sleep and try again,
 * at most @waits times.  Never balloon_page_dequeue(): it BUG()s on an
 * empty balloon.  Returns how many came out; *@waited counts the sleeps.
 */
size_t mv_tballoon_dequeue(struct mv_tballoon *tb, struct list_head *out,
			   size_t want, unsigned int waits,
			   unsigned int (*held)(struct mv_tballoon *tb),
			   unsigned int *waited)
{
	size_t got = 0, n;

	*waited = 0;
	while (got < want && held(tb) > got) {
		n = balloon_page_list_dequeue(&tb->b, out, want - got);
		got += n;
		if (n)
			continue;
		if (*waited == waits)
			break;
		(*waited)++;
		usleep_range(MV_DEQUEUE_WAIT_MIN_US, MV_DEQUEUE_WAIT_MAX_US);
	}
	return got;
}
