// SPDX-License-Identifier: GPL-2.0
/*
 * balloon_fixture.c - the suite's balloon device: a tracked balloon of
 * lib/balloon.c whose answer records every call and says what the test
 * asked for; every page it holds is given back by a KUnit action.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "movops_kunit.h"

#include <kunit/resource.h>
#include <linux/delay.h>

/* Waits a deflate gives an isolated page (mv_tballoon_dequeue()). */
#define MK_DEFLATE_TRIES	2000

/* Caller holds mb->lock. */
static int __mk_slot(struct mk_balloon *mb, unsigned long pfn)
{
	struct mv_tpage *t = pfn ? mv_tballoon_lookup(&mb->tb, pfn) : NULL;

	return t ? t - mb->page : -1;
}

int mk_balloon_slot(struct mk_balloon *mb, unsigned long pfn)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&mb->lock, flags);
	slot = __mk_slot(mb, pfn);
	spin_unlock_irqrestore(&mb->lock, flags);
	return slot;
}

unsigned long mk_balloon_slot_pfn(struct mk_balloon *mb, unsigned int slot)
{
	unsigned long flags, pfn;

	spin_lock_irqsave(&mb->lock, flags);
	pfn = slot < mb->nslots ? mb->page[slot].pfn : 0;
	spin_unlock_irqrestore(&mb->lock, flags);
	return pfn;
}

/*
 * Our answer to the driver callback (lib/balloon.c, which makes the slot
 * follow a page that moves), under mb->lock: records the call and answers
 * what the test asked for.
 */
static int mk_answer(struct mv_tballoon *tb, struct mv_tpage *t,
		     struct page *page, struct page *newpage)
{
	struct mk_balloon *mb = container_of(tb, struct mk_balloon, tb);
	int ret;

	mb->calls++;
	if (current == mb->task)
		mb->count[MK_CALLS_HERE]++;
	if (!PageOffline(page) || !mv_page_has_movable_ops(page))
		mb->bad_src++;
	if (!t) {
		mb->foreign++;
		ret = -EAGAIN;
	} else {
		ret = mb->answer;
		if (!ret) {
			mb->count[MK_OK_ALL]++;
		} else if (ret == -ENOENT) {
			mv_tballoon_forget(tb, t);
			mb->held--;
			mb->count[MK_ENOENT_ALL]++;
		}
	}
	/* A ring: the last MK_LOG_MAX calls. */
	mb->log[mb->nlog % MK_LOG_MAX].src = page_to_pfn(page);
	mb->log[mb->nlog % MK_LOG_MAX].dst = page_to_pfn(newpage);
	mb->log[mb->nlog % MK_LOG_MAX].ret = ret;
	mb->nlog++;
	return ret;
}

void mk_balloon_answer(struct mk_balloon *mb, int ret)
{
	unsigned long flags;

	spin_lock_irqsave(&mb->lock, flags);
	mb->answer = ret;
	spin_unlock_irqrestore(&mb->lock, flags);
}

unsigned int mk_balloon_mark(struct mk_balloon *mb)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->nlog;
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

unsigned int mk_balloon_count(struct mk_balloon *mb, enum mk_count which)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->count[which];
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

/* Callbacks run by the test's own migrations (not kcompactd's). */
unsigned int mk_balloon_calls(struct mk_balloon *mb)
{
	return mk_balloon_count(mb, MK_CALLS_HERE);
}

/* Pages in the balloon by our records: listed or isolated. */
unsigned int mk_balloon_held(struct mk_balloon *mb)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->held;
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

/* The last callback since log entry @since whose source was @src. */
bool mk_balloon_last_call(struct mk_balloon *mb, unsigned int since,
			  unsigned long src, struct mk_call *out)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&mb->lock, flags);
	if (mb->nlog > MK_LOG_MAX && since < mb->nlog - MK_LOG_MAX)
		since = mb->nlog - MK_LOG_MAX;
	for (i = since; i < mb->nlog; i++) {
		if (mb->log[i % MK_LOG_MAX].src == src) {
			*out = mb->log[i % MK_LOG_MAX];
			found = true;
		}
	}
	spin_unlock_irqrestore(&mb->lock, flags);
	return found;
}

static unsigned int mk_tb_held(struct mv_tballoon *tb)
{
	return mk_balloon_held(container_of(tb, struct mk_balloon, tb));
}

/*
 * Take every page the balloon holds into @out, waiting for pages that are
 * isolated for a migration in flight (mv_tballoon_dequeue()).  Returns how
 * many pages came out.
 */
unsigned int mk_balloon_deflate(struct mk_balloon *mb, struct list_head *out)
{
	unsigned int waited, got;
	struct page *page, *tmp;
	unsigned long flags;
	LIST_HEAD(pages);
	int slot;

	got = mv_tballoon_dequeue(&mb->tb, &pages, mk_balloon_held(mb),
				  MK_DEFLATE_TRIES, mk_tb_held, &waited);
	spin_lock_irqsave(&mb->lock, flags);
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		slot = __mk_slot(mb, page_to_pfn(page));
		if (slot >= 0)
			mv_tballoon_forget(&mb->tb, &mb->page[slot]);
		else
			mb->foreign++;
		mb->held--;
		list_move_tail(&page->lru, out);
	}
	spin_unlock_irqrestore(&mb->lock, flags);
	return got;
}

static void mk_put_list(struct list_head *pages)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

static void mk_balloon_release(void *data)
{
	struct mk_balloon *mb = data;
	LIST_HEAD(pages);
	size_t listed;

	mk_balloon_deflate(mb, &pages);
	mk_put_list(&pages);
	/* Our records, then the core's list under its own lock: both empty. */
	listed = balloon_page_list_dequeue(&mb->tb.b, &pages, 1);
	mk_put_list(&pages);
	if (mk_balloon_held(mb) || listed || READ_ONCE(mb->tb.b.isolated_pages)) {
		/* A migration still holds one of our pages: leak mb, not UAF. */
		pr_warn("balloon %p keeps %u pages, leaked\n",
			mb, mb->held);
		return;
	}
	kfree(mb);
}

struct mk_balloon *mk_balloon_create(struct kunit *test)
{
	struct mk_balloon *mb;

	mb = kzalloc_obj(*mb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mb);
	mv_tballoon_init(&mb->tb, &mb->lock, mb->hash, MK_HASH_BITS, mk_answer);
	mb->test = test;
	mb->task = current;
	spin_lock_init(&mb->lock);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_balloon_release, mb));
	return mb;
}

/*
 * Enqueue the @n pages at @base (all owned by the caller) into the balloon.
 * Each is tracked before it becomes movable.  A page beyond the fixture's
 * MK_BALLOON_PAGES slots (over all fills of @mb) is freed, not enqueued,
 * and fails the test.
 */
void mk_balloon_fill(struct kunit *test, struct mk_balloon *mb,
		     unsigned long base, unsigned int n)
{
	unsigned int i, placed = 0;
	unsigned long flags;

	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&mb->lock, flags);
		if (mb->nslots >= MK_BALLOON_PAGES) {
			spin_unlock_irqrestore(&mb->lock, flags);
			free_contig_range(base + i, 1);
			continue;
		}
		mv_tballoon_track(&mb->tb, &mb->page[mb->nslots++], base + i);
		mb->held++;
		spin_unlock_irqrestore(&mb->lock, flags);
		balloon_page_enqueue(&mb->tb.b, pfn_to_page(base + i));
		placed++;
	}
	KUNIT_ASSERT_EQ_MSG(test, placed, n,
			    "pages enqueued: the fixture holds at most %d pages",
			    MK_BALLOON_PAGES);
}

/*
 * What the balloon core lists for @mb, read under the core's own lock
 * (static in 7.x's mm/balloon.c): every listed page is taken off with
 * balloon_page_list_dequeue() and enqueued again at once.  Isolated pages
 * are not listed.  Both halves count vm events (BALLOON_DEFLATE and
 * BALLOON_INFLATE, one each per page): read those before.  6.12's dequeue
 * skips a page that is locked: unlock our own first.
 */
void mk_balloon_listed(struct mk_balloon *mb, struct mk_listed *l)
{
	struct page *page;
	LIST_HEAD(pages);

	l->n = 0;
	balloon_page_list_dequeue(&mb->tb.b, &pages, SIZE_MAX);
	list_for_each_entry(page, &pages, lru) {
		if (l->n < MK_BALLOON_PAGES)
			l->pfn[l->n] = page_to_pfn(page);
		l->n++;
	}
	balloon_page_list_enqueue(&mb->tb.b, &pages);
}

bool mk_listed_has(const struct mk_listed *l, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, l->n, MK_BALLOON_PAGES); i++)
		if (l->pfn[i] == pfn)
			return true;
	return false;
}

unsigned int mk_balloon_list_len(struct mk_balloon *mb)
{
	struct mk_listed l;

	mk_balloon_listed(mb, &l);
	return l.n;
}

/*
 * Held pages not on the balloon list: kcompactd may have one isolated or
 * locked (balloon_page_list_dequeue() skips a locked page) for a while, so
 * a positive count is polled for up to a second; a negative one (listed
 * pages we do not hold) is returned at once.
 */
int mk_balloon_unlisted(struct mk_balloon *mb)
{
	int tries = 50;
	int diff;

	for (;;) {
		diff = (int)mk_balloon_held(mb) - (int)mk_balloon_list_len(mb);
		if (diff <= 0 || !--tries)
			return diff;
		msleep(20);
	}
}

bool mk_balloon_list_has(struct mk_balloon *mb, unsigned long pfn)
{
	struct mk_listed l;

	mk_balloon_listed(mb, &l);
	return mk_listed_has(&l, pfn);
}
