/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops_kunit.h - shared fixtures of the movops KUnit suites: a balloon
 * device of the suite's own, a zsmalloc pool of its own, clean PFN ranges
 * and the targeted migration of one PFN.
 */
#ifndef _MOVOPS_KUNIT_H
#define _MOVOPS_KUNIT_H

#include <kunit/test.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "fixtures.h"
#include "movops_compat.h"

/* Pages per test: small and fast under TCG, a fraction of a pageblock. */
#define MK_BALLOON_PAGES	32
/* Pages freed onto this CPU's lists before zsmalloc allocates (LIFO). */
#define MK_ZS_PRIME_PAGES	64
#define MK_ZS_MAX_OBJS		256
#define MK_LOG_MAX		128

/*
 * What the balloon's migratepage callback answers: 0 takes the new page,
 * -ENOENT deflates the old page during migration, -EAGAIN refuses.
 */
struct mk_call {
	unsigned long src;
	unsigned long dst;
	int ret;
};

/*
 * Callback counts the test owns.  The test's own migrations run the
 * callback in the test's task; kcompactd (or any other task) may migrate
 * our pages at any time too, so exact expectations count only the first
 * kind, and the kernel's global vm events are compared with what our
 * callback answered in any task.
 */
enum mk_count {
	MK_CALLS_HERE,		/* callbacks in the test's own task */
	MK_OK_ALL,		/* answered 0 (migrated), any task */
	MK_ENOENT_ALL,		/* answered -ENOENT (deflated), any task */
	MK_NR_COUNTS
};

#define MK_HASH_BITS		5

struct mk_balloon {
	struct mv_tballoon tb;		/* the device (tb.b), lib/balloon.c */
	struct kunit *test;
	struct task_struct *task;	/* the test's own task */
	spinlock_t lock;		/* protects everything below */
	int answer;
	unsigned int held;		/* pages in the balloon (list + isolated) */
	unsigned int nslots;
	/* slot -> current PFN (page[slot].pfn), 0 = gone; in hash if not */
	struct mv_tpage page[MK_BALLOON_PAGES];
	struct hlist_head hash[1 << MK_HASH_BITS];
	unsigned int calls;		/* every callback, any task */
	unsigned int count[MK_NR_COUNTS];
	unsigned int foreign;		/* callbacks for pages we never enqueued */
	unsigned int bad_src;		/* callback src without movable ops */
	unsigned int nlog;
	struct mk_call log[MK_LOG_MAX];
};

/*
 * What the balloon core lists for a device, read under the core's own lock
 * (see mk_balloon_listed()).
 */
struct mk_listed {
	unsigned int n;
	unsigned long pfn[MK_BALLOON_PAGES];
};

struct mk_zobj {
	unsigned long handle;
	unsigned long pfn[2];		/* page(s) behind the object, 0 = none */
};

struct mk_zpool {
	struct zs_pool *pool;
	unsigned int size;
	unsigned int nobj;
	struct mk_zobj *obj;
	unsigned long prime_base;	/* clean range the pool was primed with */
	unsigned int in_prime;		/* pages of the pool inside that range */
	unsigned int npfn;
	unsigned long *pfns;		/* distinct PFNs behind the objects */
	u8 *buf;			/* scratch, size bytes */
	u8 *bounce;			/* scratch, size bytes */
};

/* Clean ranges and migration. */
unsigned long mk_clean_range(struct kunit *test, unsigned int nr);
unsigned long mk_clean_range_zone(struct kunit *test, unsigned int nr,
				  enum zone_type zi);
int mk_migrate_pfn(unsigned long pfn);
int mk_migrate_pfn_quiet(unsigned long pfn);

/* Balloon. */
struct mk_balloon *mk_balloon_create(struct kunit *test);
void mk_balloon_fill(struct kunit *test, struct mk_balloon *mb,
		     unsigned long base, unsigned int n);
void mk_balloon_listed(struct mk_balloon *mb, struct mk_listed *l);
bool mk_listed_has(const struct mk_listed *l, unsigned long pfn);
unsigned int mk_balloon_list_len(struct mk_balloon *mb);
int mk_balloon_unlisted(struct mk_balloon *mb);
bool mk_balloon_list_has(struct mk_balloon *mb, unsigned long pfn);
unsigned int mk_balloon_calls(struct mk_balloon *mb);
unsigned int mk_balloon_count(struct mk_balloon *mb, enum mk_count which);
unsigned int mk_balloon_held(struct mk_balloon *mb);
unsigned int mk_balloon_mark(struct mk_balloon *mb);
void mk_balloon_answer(struct mk_balloon *mb, int ret);
bool mk_balloon_last_call(struct mk_balloon *mb, unsigned int since,
			  unsigned long src, struct mk_call *out);
int mk_balloon_slot(struct mk_balloon *mb, unsigned long pfn);
unsigned long mk_balloon_slot_pfn(struct mk_balloon *mb, unsigned int slot);
unsigned int mk_balloon_deflate(struct mk_balloon *mb, struct list_head *out);

/* zsmalloc. */
struct mk_zpool *mk_zpool_create(struct kunit *test, unsigned int size,
				 unsigned int nobj, bool prime);
void mk_zpool_refresh(struct mk_zpool *zp);
bool mk_zpool_verify(struct mk_zpool *zp, unsigned int *bad);
unsigned int mk_zpool_huge_size(struct mk_zpool *zp);
unsigned int mk_zpool_migrate_all(struct kunit *test, struct mk_zpool *zp,
				  unsigned long *old);

/* pages.c: a page of each kind the truth table asks about. */
enum mk_kind {
	MK_BALLOON,
	MK_BALLOON_DEFLATED,
	MK_ZSMALLOC,
	MK_PLAIN,
	MK_UPTODATE,
	MK_OFFLINE_NO_OPS,
	MK_COMPOUND_TAIL,
};

struct page *mk_test_page(struct kunit *test, enum mk_kind kind);
/* A KUnit action: __free_page(). */
void mk_free_page_action(void *data);

/* Cases of movops_balloon in balloon_managed_test.c. */
void balloon_adjust_managed_cross_zone(struct kunit *test);
void balloon_adjust_managed_enoent(struct kunit *test);

/* Counters. */
unsigned long mk_vm_event(struct kunit *test, enum vm_event_item item);
long mk_balloon_pages_stat(void);

#endif /* _MOVOPS_KUNIT_H */
